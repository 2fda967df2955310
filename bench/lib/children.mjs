/**
 * Child processes of the benchmark: every one is tracked from spawn to exit, its output goes
 * to a log file (and a bounded in-memory tail, to wait for readiness lines), and all of them
 * are killed when the harness exits for any reason, so a failed run leaves nothing running.
 */
import { fork, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';

const TAIL_CHARS = 64 * 1024;
const live = new Set();

/**
 * Starts `script` with this Node binary. `ipc: true` forks it with an IPC channel (the
 * benchmark's own scripts); otherwise stdio is piped only (the engine's entry points).
 */
export function startChild(name, script, { env = {}, cwd, logDir, ipc = false, args = [] } = {}) {
  const options = {
    cwd,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  };
  const child = ipc
    ? fork(script, args, options)
    : spawn(process.execPath, [script, ...args], options);
  const log = logDir ? createWriteStream(join(logDir, `${name}.log`)) : null;
  let tail = '';
  const listeners = new Set();
  const onData = (chunk) => {
    log?.write(chunk);
    tail = (tail + chunk.toString()).slice(-TAIL_CHARS);
    for (const listener of [...listeners]) listener();
  };
  // A failed spawn or a closed IPC channel must not crash the harness before its cleanup.
  child.on('error', (error) => onData(Buffer.from(`[harness] ${name}: ${error.message}\n`)));
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      live.delete(handle);
      log?.end();
      for (const listener of [...listeners]) listener();
      resolve({ code, signal });
    }),
  );
  const handle = {
    name,
    child,
    pid: child.pid,
    exited,
    output: () => tail,
    running: () => child.exitCode === null && child.signalCode === null,
    /** Resolves when the output matches `pattern`; rejects if the process exits or time runs out. */
    waitForOutput(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(tail)) {
            cleanup();
            resolve();
          } else if (!handle.running()) {
            cleanup();
            reject(new Error(`${name} exited before printing ${pattern}:\n${tail.slice(-4000)}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${name}: no ${pattern} within ${timeoutMs} ms:\n${tail.slice(-4000)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    /** SIGTERM (graceful), then SIGKILL if it has not exited within `graceMs`. */
    async stop(graceMs = 15_000) {
      if (!handle.running()) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
  live.add(handle);
  return handle;
}

/** Stops every child still running, gracefully first. */
export async function stopAllChildren(graceMs = 10_000) {
  await Promise.all([...live].map((handle) => handle.stop(graceMs)));
}

/** Last resort, synchronous (for `process.on('exit')`): SIGKILL whatever is still running. */
export function killAllChildrenNow() {
  for (const handle of live) {
    try {
      handle.child.kill('SIGKILL');
    } catch {
      // Already gone: nothing to kill.
    }
  }
}
