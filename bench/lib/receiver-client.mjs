/** The harness's handle on `bench/receiver.mjs`: start it, ask it questions over IPC. */
import { fileURLToPath } from 'node:url';
import { startChild } from './children.mjs';

const SCRIPT = fileURLToPath(new URL('../receiver.mjs', import.meta.url));

export async function startReceiver({ logDir }) {
  const process = startChild('receiver', SCRIPT, { ipc: true, logDir });
  const pending = new Map();
  let nextId = 1;
  const ready = new Promise((resolve, reject) => {
    process.child.once('exit', (code) => reject(new Error(`receiver exited (${code})`)));
    process.child.on('message', (message) => {
      if (message.ready) {
        resolve(message.port);
        return;
      }
      const waiter = pending.get(message.id);
      if (!waiter) return;
      pending.delete(message.id);
      if (message.error) waiter.reject(new Error(`receiver: ${message.error}`));
      else waiter.resolve(message.result);
    });
  });
  const port = await ready;
  // Errors of the channel (the receiver gone) reject the questions instead of crashing.
  process.child.on('error', (error) => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  });
  process.child.once('exit', () => {
    for (const waiter of pending.values()) waiter.reject(new Error('receiver exited'));
    pending.clear();
  });
  const ask = (op, params = {}) =>
    new Promise((resolve, reject) => {
      if (!process.child.connected) {
        reject(new Error('receiver is not running'));
        return;
      }
      const id = nextId++;
      pending.set(id, { resolve, reject });
      process.child.send({ id, op, ...params }, (error) => {
        if (!error) return;
        pending.delete(id);
        reject(error);
      });
    });
  return {
    process,
    port,
    /** URL of job `job` in the run `tag`. */
    url: (tag, job) => `http://127.0.0.1:${port}/r/${tag}/${job}`,
    count: (tag) => ask('count', { tag }),
    fireSummary: (tag, jobs, fromMs, toMs) => ask('fire-summary', { tag, jobs, fromMs, toMs }),
    burstSummary: (tag, expected) => ask('burst-summary', { tag, expected }),
    drop: (tag) => ask('drop', { tag }),
    stop: () => process.stop(5000),
  };
}
