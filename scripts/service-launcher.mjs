// The API + scheduler and one worker, as two child processes, stopped together: what
// `npm run start:local` and `npm run dev` (the zero-setup mode) share. Ctrl-C (or SIGTERM)
// stops both gracefully; if either exits, so does the other; `afterStop` runs once both have
// exited (dev.mjs stops its embedded PostgreSQL there), then the launcher exits.
//
// Signals. A terminal's Ctrl-C sends SIGINT to every process of its foreground process group.
// Children sharing our group would get it from the terminal and then our forwarded SIGTERM
// as a second signal, which a service takes as "force" (exit 130, in-flight webhooks
// abandoned: redelivered a lease later, or FAILED if AT_MOST_ONCE). So each child leads a
// process group of its own (`detached`) and hears only from us: exactly one SIGTERM, the
// production shutdown. Being outside the terminal's group they would also miss its hangup,
// so SIGHUP is forwarded the same way. A second Ctrl-C forwards a second SIGTERM, which the
// services take as "exit now".
import { spawn } from 'node:child_process';

// `npm run` forwards the SIGINT it got from the terminal to its child, which is us when the
// script shell execs the command (bash does): one Ctrl-C can then arrive twice, milliseconds
// apart (often the kernel merges the two; not always on a busy machine). A repeat within this
// window is that echo, not a second Ctrl-C (a person pressing twice takes longer).
const SAME_INTERRUPT_MS = 1000;

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Catches SIGINT, SIGTERM and SIGHUP from now on, before anything is started, so that a
 * Ctrl-C during start-up is ours to handle (dev.mjs must not leave its database running).
 * Returns the launcher: `start(env)` spawns the services; `stop()` stops them (a reason is
 * printed); `stopRequested` tells whether a signal or a stop came before `start`.
 */
export function createServiceLauncher({ tag, afterStop = async () => undefined }) {
  // A reader that went away (`npm run start:local | tee log` after Ctrl-C killed tee) makes
  // our writes fail with EPIPE; that must not crash us before the children, in groups of
  // their own and out of reach of the terminal, have been stopped.
  process.stdout.on('error', () => undefined);
  const say = (message) => process.stdout.write(`${tag}: ${message}\n`);

  let services = [];
  let exitCode = 0;
  let stopRequestedAt; // Date.now() of the first stop: a signal, or a child that exited
  let finishing = false;
  const running = () =>
    services.filter(({ child }) => child.exitCode === null && !child.signalCode);

  async function finish() {
    if (finishing) return;
    finishing = true;
    try {
      await afterStop();
    } catch (error) {
      process.stderr.write(`${tag}: ${error instanceof Error ? error.stack : String(error)}\n`);
      exitCode = exitCode || 1;
    }
    process.exit(exitCode);
  }

  function stop(reason, code = 0) {
    if (code !== 0 && exitCode === 0) exitCode = code;
    if (stopRequestedAt !== undefined) return;
    stopRequestedAt = Date.now();
    if (reason) say(reason);
    for (const { child } of running()) child.kill('SIGTERM');
    if (services.length > 0 && running().length === 0) void finish();
  }

  for (const signal of SIGNALS) {
    process.on(signal, () => {
      if (stopRequestedAt === undefined) {
        stop(`${signal}: stopping gracefully (again to force)`, 0);
      } else if (Date.now() - stopRequestedAt >= SAME_INTERRUPT_MS) {
        say(`${signal} again: forcing`);
        for (const { child } of running()) child.kill('SIGTERM');
      }
    });
  }

  function start(env) {
    if (stopRequestedAt !== undefined) return void finish();
    services = [
      { name: 'API + scheduler', script: 'dist/main.js' },
      { name: 'worker', script: 'dist/worker.js' },
    ].map((service) => ({
      ...service,
      child: spawn(process.execPath, [service.script], {
        // stdin is not ours to share: a process outside the terminal's group cannot read it.
        stdio: ['ignore', 'inherit', 'inherit'],
        env,
        detached: true,
      }),
    }));
    say(
      `${services.map(({ name, child }) => `${name} (pid ${child.pid})`).join(', ')}; Ctrl-C stops both`,
    );
    for (const { name, child } of services) {
      child.on('exit', (code, signal) => {
        say(`${name} exited (${signal ?? `code ${code}`})`);
        if (code !== 0 && code !== null) exitCode = code;
        // Killed by our own SIGTERM is a stop we asked for (a child still booting has no handler).
        if (signal && signal !== 'SIGTERM') exitCode = 1;
        if (stopRequestedAt === undefined) stop();
        if (running().length === 0) void finish();
      });
    }
  }

  return {
    start,
    stop,
    say,
    get stopRequested() {
      return stopRequestedAt !== undefined;
    },
    finish,
  };
}
