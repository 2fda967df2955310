import { createServer } from 'node:net';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

export const sleepUntil = (epochMs) => sleep(epochMs - Date.now());

/** The next whole second at or after `epochMs`. */
export const ceilSecond = (epochMs) => Math.ceil(epochMs / 1000) * 1000;

/** A free loopback port (another process could take it before it is used; unlikely here). */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Runs `work(item)` over `items` with at most `limit` in flight. */
export async function mapLimit(items, limit, work) {
  const results = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** Polls `probe` every `everyMs` until `done(value)` or `deadline`; returns the last value. */
export async function pollUntil(probe, done, { everyMs = 250, deadline }) {
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() >= deadline) return value;
    await sleep(Math.min(everyMs, deadline - Date.now()));
  }
}

/** The bootstrap `ADMIN_API_KEY` the benchmark starts job-scheduler with. */
export const BENCH_ADMIN_API_KEY = 'bench-admin-key-0123456789abcdefghijklmnopqrstuvwxyz';

export async function jsonRequest(baseUrl, method, path, body, apiKey = BENCH_ADMIN_API_KEY) {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${apiKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}
