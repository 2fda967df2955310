/**
 * The webhook receiver of the benchmark, in a process of its own (forked by the harness with
 * an IPC channel), so that receiving does not compete with the harness's event loop and its
 * CPU is measured on its own.
 *
 * Every request to `/r/<tag>/<job>` is answered 200 with an empty body at once, and recorded:
 * job index, `X-Scheduled-At`, `X-Execution-Id` and the receive time (this machine's clock,
 * taken when the request's headers have been parsed). The harness asks for summaries over IPC;
 * raw records never leave this process.
 *
 * Lateness is receive time minus `X-Scheduled-At`. Both clocks are this machine's, so there
 * is no skew; it includes the engine's own delay and the request's time on the wire.
 */
import { createServer } from 'node:http';

/** tag -> { job: number[], sched: number[], recv: number[], exec: string[] } */
const runs = new Map();
let malformed = 0;

function runFor(tag) {
  let run = runs.get(tag);
  if (!run) {
    run = { job: [], sched: [], recv: [], exec: [] };
    runs.set(tag, run);
  }
  return run;
}

const server = createServer((req, res) => {
  const receivedAt = Date.now();
  const parts = (req.url ?? '').split('?')[0].split('/');
  // ['', 'r', tag, job]
  const scheduledAt = Date.parse(String(req.headers['x-scheduled-at'] ?? ''));
  const job = Number(parts[3]);
  if (parts[1] === 'r' && parts[2] && Number.isInteger(job) && Number.isFinite(scheduledAt)) {
    const run = runFor(parts[2]);
    run.job.push(job);
    run.sched.push(scheduledAt);
    run.recv.push(receivedAt);
    run.exec.push(String(req.headers['x-execution-id'] ?? ''));
  } else {
    malformed += 1;
  }
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-length': '0' });
    res.end();
  });
});
server.keepAliveTimeout = 120_000;
server.headersTimeout = 130_000;
server.requestTimeout = 0;

server.listen(0, '127.0.0.1', () => {
  process.send({ ready: true, port: server.address().port });
});

process.on('message', (message) => {
  try {
    process.send({ id: message.id, result: handle(message) });
  } catch (error) {
    process.send({ id: message.id, error: String(error?.stack ?? error) });
  }
});
// The harness is gone (exited or crashed): so is the reason to run.
process.on('disconnect', () => process.exit(0));

function handle(message) {
  switch (message.op) {
    case 'count':
      return { records: runs.get(message.tag)?.job.length ?? 0, malformed };
    case 'fire-summary':
      return fireSummary(runs.get(message.tag), message);
    case 'burst-summary':
      return burstSummary(runs.get(message.tag), message);
    case 'drop':
      runs.delete(message.tag);
      return { dropped: true };
    default:
      throw new Error(`unknown op ${message.op}`);
  }
}

/**
 * Fires of `jobs` every-second jobs (indices 0..jobs-1) scheduled in [fromMs, toMs): each
 * (job, second) is one expected fire. A second delivery of the same fire is a duplicate;
 * `redelivered` counts the duplicates that carried the first delivery's execution id.
 */
function fireSummary(run, { jobs, fromMs, toMs }) {
  const seconds = Math.round((toMs - fromMs) / 1000);
  const expected = jobs * seconds;
  const first = new Int32Array(expected).fill(-1);
  const lateness = [];
  let duplicates = 0;
  let redelivered = 0;
  let unexpected = 0;
  let lastReceivedAt = null;
  const n = run?.job.length ?? 0;
  for (let i = 0; i < n; i += 1) {
    const sched = run.sched[i];
    if (sched < fromMs || sched >= toMs) continue;
    const offset = sched - fromMs;
    const job = run.job[i];
    if (offset % 1000 !== 0 || job < 0 || job >= jobs) {
      unexpected += 1;
      continue;
    }
    const key = job * seconds + offset / 1000;
    if (first[key] === -1) {
      first[key] = i;
      lateness.push(run.recv[i] - sched);
    } else {
      duplicates += 1;
      if (run.exec[first[key]] === run.exec[i]) redelivered += 1;
    }
    if (lastReceivedAt === null || run.recv[i] > lastReceivedAt) lastReceivedAt = run.recv[i];
  }
  const delivered = lateness.length;
  return {
    expected,
    delivered,
    missed: expected - delivered,
    duplicates,
    redelivered,
    unexpected,
    lateness: distribution(lateness),
    lastReceivedAt,
    malformed,
  };
}

/** A burst: `expected` distinct (job, scheduled instant) items, each delivered once. */
function burstSummary(run, { expected }) {
  const seen = new Map();
  const lateness = [];
  let duplicates = 0;
  let redelivered = 0;
  let firstReceivedAt = null;
  let lastReceivedAt = null;
  const n = run?.job.length ?? 0;
  for (let i = 0; i < n; i += 1) {
    const key = `${run.job[i]}:${run.sched[i]}`;
    const previous = seen.get(key);
    if (previous === undefined) {
      seen.set(key, i);
      lateness.push(run.recv[i] - run.sched[i]);
    } else {
      duplicates += 1;
      if (run.exec[previous] === run.exec[i]) redelivered += 1;
    }
    if (firstReceivedAt === null || run.recv[i] < firstReceivedAt) firstReceivedAt = run.recv[i];
    if (lastReceivedAt === null || run.recv[i] > lastReceivedAt) lastReceivedAt = run.recv[i];
  }
  return {
    expected,
    delivered: seen.size,
    missed: expected - seen.size,
    duplicates,
    redelivered,
    firstReceivedAt,
    lastReceivedAt,
    lateness: distribution(lateness),
    malformed,
  };
}

/** Nearest-rank percentiles in ms. */
function distribution(values) {
  if (values.length === 0)
    return { count: 0, p50: null, p90: null, p99: null, max: null, mean: null };
  const sorted = Float64Array.from(values).sort();
  const at = (p) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: sorted[sorted.length - 1],
    mean: Math.round((sum / sorted.length) * 10) / 10,
  };
}
