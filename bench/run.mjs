/**
 * `npm run bench` (= `npm run build && node bench/run.mjs`): job-scheduler on its Redis
 * backend, job-scheduler on its PostgreSQL-only backend and BullMQ, side by side, on this
 * machine, in one run. See docs/benchmarks.md for what each scenario measures
 * and the latest results.
 *
 *   node bench/run.mjs              full run (~25-40 min on 2 cores)
 *   node bench/run.mjs --smoke      correctness only, under a minute (CI); exits 1 on a
 *                                   missed or duplicated fire, an incomplete burst, an API error
 *
 * Options (full run defaults in FULL below): --scenarios=fire,burst,api
 * --backends=job-scheduler,job-scheduler-postgres,bullmq --steps=250,500,1000 --warmup=15 --window=20 --grace=10
 * --burst=100000 --api-seconds=15 --js-workers=2 --js-pool=500 --bull-workers=2
 * --bull-concurrency=N (default 50 for fires, 200 for the burst) --keep-logs
 *
 * Everything runs on 127.0.0.1, on a database created for the run and Redis key prefixes of
 * its own; all are removed and every child process is stopped at the end, also on failure,
 * Ctrl-C or the run's time limit.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { bullmqBackend } from './backends/bullmq.mjs';
import { jobSchedulerBackend } from './backends/job-scheduler.mjs';
import { latenessChartSvg } from './lib/chart.mjs';
import { killAllChildrenNow, stopAllChildren } from './lib/children.mjs';
import { pidsByCommand, postgresBackendsOf } from './lib/proc-stats.mjs';
import {
  connectionSettings,
  createDatabase,
  databasePool,
  deleteRedisPrefix,
  dropDatabase,
  ratesPerSecond,
  redisActivity,
  redisClient,
  serverVersions,
} from './lib/infra.mjs';
import { startReceiver } from './lib/receiver-client.mjs';
import {
  apiTable,
  burstTable,
  fireResourcesTable,
  fireTable,
  ratios,
  ratiosText,
} from './lib/report.mjs';
import { runApi } from './scenarios/api.mjs';
import { runBurst } from './scenarios/burst-drain.mjs';
import { runFireLadder } from './scenarios/fire-capacity.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RESULTS = join(ROOT, 'bench', 'results');
const DOCS_CHART = join(ROOT, 'docs', 'benchmarks-lateness.svg');

/**
 * Full run: ladder steps of ~50 s each (start, 15 s warm-up, 20 s window, up to 10 s for late
 * fires, stop) until a step clearly fails, a 100k burst each, 15 s of API load per
 * job-scheduler backend: about 25-40 minutes on 2 cores for the three backends. Finer steps
 * below 2,000 because that is where the backends stand on this machine; 5,000 and 10,000 are
 * there for the target and for faster machines.
 */
const FULL = {
  steps: [100, 250, 500, 750, 1000, 1500, 2000, 5000, 10000],
  warmupSeconds: 15,
  windowSeconds: 20,
  graceSeconds: 10,
  burst: 100_000,
  burstTimeoutSeconds: 300,
  apiSeconds: 15,
  apiConnections: 10,
  apiSeedJobs: 1000,
  timeLimitMinutes: 70,
};
/** Smoke: one tiny step, a small burst and a short API run; proves the harness works. */
const SMOKE = {
  steps: [20],
  warmupSeconds: 2,
  windowSeconds: 4,
  graceSeconds: 5,
  burst: 500,
  burstTimeoutSeconds: 30,
  apiSeconds: 2,
  apiConnections: 4,
  apiSeedJobs: 50,
  timeLimitMinutes: 4,
};

const args = parseArgs(process.argv.slice(2));
const smoke = args.smoke === true;
/**
 * The run docs/benchmarks.md quotes: full, with the default options. Only it writes
 * `latest.json` and the chart in docs/; other runs write `latest-smoke.json` or
 * `latest-custom.json` and keep their chart in bench/results/.
 */
const official =
  !smoke && Object.keys(args).every((key) => ['keep-logs', 'time-limit'].includes(key));
const variant = smoke ? '-smoke' : official ? '' : '-custom';
const preset = smoke ? SMOKE : FULL;
const options = {
  smoke,
  scenarios: list(args.scenarios) ?? ['fire', 'burst', 'api'],
  backends: list(args.backends) ?? ['job-scheduler', 'job-scheduler-postgres', 'bullmq'],
  steps: list(args.steps)?.map(Number) ?? preset.steps,
  warmupMs: 1000 * Number(args.warmup ?? preset.warmupSeconds),
  windowMs: 1000 * Math.round(Number(args.window ?? preset.windowSeconds)),
  graceMs: 1000 * Number(args.grace ?? preset.graceSeconds),
  burst: Number(args.burst ?? preset.burst),
  burstTimeoutMs: 1000 * Number(args['burst-timeout'] ?? preset.burstTimeoutSeconds),
  apiSeconds: Number(args['api-seconds'] ?? preset.apiSeconds),
  apiConnections: Number(args['api-connections'] ?? preset.apiConnections),
  apiSeedJobs: preset.apiSeedJobs,
  jsWorkers: Number(args['js-workers'] ?? 2),
  // 500: claims in PostgreSQL come in larger batches; at 750-1,000 fires/s p99 was 230-400 ms
  // with 500, 270-470 ms with 200, 830 ms with 50 (docs/benchmarks.md).
  jsPool: Number(args['js-pool'] ?? 500),
  bullWorkers: Number(args['bull-workers'] ?? 2),
  bullConcurrency:
    args['bull-concurrency'] === undefined ? undefined : Number(args['bull-concurrency']),
  keepLogs: args['keep-logs'] === true,
  timeLimitMs: 60_000 * Number(args['time-limit'] ?? preset.timeLimitMinutes),
};

const BACKENDS = {
  'job-scheduler': () =>
    jobSchedulerBackend({ workers: options.jsWorkers, poolSize: options.jsPool }),
  // The same processes on the PostgreSQL-only backend (QUEUE_BACKEND=postgres, no Redis).
  'job-scheduler-postgres': () =>
    jobSchedulerBackend({
      workers: options.jsWorkers,
      poolSize: options.jsPool,
      queueBackend: 'postgres',
    }),
  bullmq: () =>
    bullmqBackend({ workers: options.bullWorkers, concurrency: options.bullConcurrency }),
};

const runId = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
const startedAt = new Date();
const log = (line) => console.log(`${new Date().toISOString().slice(11, 19)} ${line}`);

let cleanupPromise = null;
let resources = {};

function cleanup() {
  cleanupPromise ??= (async () => {
    await stopAllChildren(10_000).catch(() => undefined);
    try {
      if (resources.redis && resources.prefix) {
        await deleteRedisPrefix(resources.redis, resources.prefix);
      }
    } catch (error) {
      console.error(`cleanup: Redis keys ${resources.prefix}*: ${error.message}`);
    }
    await resources.pool?.end().catch(() => undefined);
    try {
      if (resources.database) await dropDatabase(resources.settings, resources.database);
    } catch (error) {
      console.error(`cleanup: database ${resources.database}: ${error.message}`);
    }
    resources.redis?.disconnect();
  })();
  return cleanupPromise;
}

process.on('exit', killAllChildrenNow);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    log(`${signal}: stopping everything`);
    cleanup().finally(() => process.exit(130));
  });
}
// Whatever else goes wrong (also while cleaning up after a signal), clean up, then fail.
for (const event of ['uncaughtException', 'unhandledRejection']) {
  process.on(event, (error) => {
    const alreadyStopping = cleanupPromise !== null;
    if (!alreadyStopping) console.error(error instanceof Error ? error.stack : error);
    cleanup().finally(() => process.exit(alreadyStopping ? 130 : 1));
  });
}
const timeLimit = setTimeout(() => {
  console.error(`time limit of ${options.timeLimitMs / 60_000} min reached: stopping`);
  cleanup().finally(() => process.exit(3));
}, options.timeLimitMs);
timeLimit.unref();

try {
  const exitCode = await main();
  await cleanup();
  process.exit(exitCode);
} catch (error) {
  console.error(error instanceof Error ? error.stack : error);
  await cleanup();
  process.exit(1);
}

async function main() {
  if (!existsSync(join(ROOT, 'dist', 'main.js'))) {
    throw new Error('dist/main.js is missing: run `npm run build` first (npm run bench does)');
  }
  for (const name of options.backends) {
    if (!BACKENDS[name]) throw new Error(`unknown backend ${name} (${Object.keys(BACKENDS)})`);
  }
  const settings = connectionSettings();
  const database = `jobsched_bench_${runId}`;
  const prefix = `jobsched-bench-${runId}`;
  const logDir = mkdtempSync(join(tmpdir(), `jobsched-bench-${runId}-`));
  resources = { settings, prefix };
  log(`run ${runId}${smoke ? ' (smoke)' : ''}: database ${database}, Redis prefix ${prefix}*`);
  log(`process logs in ${logDir}`);
  const [load1] = loadavg();
  if (load1 > cpus().length / 2) {
    log(
      `warning: load average ${load1.toFixed(2)} on ${cpus().length} cores: other work is running, numbers will be low and noisy`,
    );
  }

  const redis = redisClient(settings);
  resources.redis = redis;
  await createDatabase(settings, database);
  resources.database = database;
  const pool = databasePool(settings, database);
  resources.pool = pool;
  const versions = await serverVersions(settings, redis);
  const receiver = await startReceiver({ logDir });

  const ctx = {
    root: ROOT,
    settings,
    database,
    prefix,
    logDir,
    pool,
    redis,
    receiver,
    log,
    deleteRedisPrefix: (p) => deleteRedisPrefix(redis, p),
    /** Counters to diff over a window: the backend's database (if any) and Redis. */
    async activity(backend) {
      return {
        at: Date.now(),
        postgres: backend.activity ? await backend.activity(ctx) : null,
        redis: await redisActivity(redis),
      };
    },
    activityRates(before, after) {
      const seconds = (after.at - before.at) / 1000;
      return {
        postgres: before.postgres ? ratesPerSecond(before.postgres, after.postgres, seconds) : null,
        redis: ratesPerSecond(before.redis, after.redis, seconds),
      };
    },
    async processGroups(backend, deployment) {
      const groups = deployment.processes.map((p) => ({ name: p.name, pids: () => [p.pid] }));
      groups.push({ name: 'receiver', pids: () => [receiver.process.pid] });
      groups.push({ name: 'harness', pids: () => [process.pid], memory: false });
      if (backend.usesPostgres) {
        groups.push({
          name: 'postgres (bench db backends)',
          pids: () => postgresBackendsOf(database),
          dynamic: true,
          memory: false,
        });
      }
      // Every PostgreSQL process: the backends above plus autovacuum, WAL writer, checkpointer
      // (and any other database's backends: on a shared machine, see "other CPU").
      groups.push({
        name: 'postgres (all processes)',
        pids: () => pidsByCommand('postgres'),
        dynamic: true,
        memory: false,
        overlaps: true,
      });
      if (Number.isFinite(versions.redisPid)) {
        groups.push({ name: 'redis-server', pids: () => [versions.redisPid], memory: false });
      }
      return groups;
    },
  };

  const meta = {
    runId,
    mode: smoke ? 'smoke' : official ? 'full' : 'custom',
    command: `npm run bench${smoke ? ' -- --smoke' : ''}`,
    argv: process.argv.slice(2),
    startedAt: startedAt.toISOString(),
    machine: {
      cores: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
      loadAverageAtStart: loadavg().map((v) => Math.round(v * 100) / 100),
    },
    versions: {
      node: process.version,
      postgres: versions.postgres,
      redis: versions.redis,
      bullmq: packageVersion('bullmq'),
      autocannon: packageVersion('autocannon'),
      jobScheduler: packageVersion('..', ROOT),
      commit: gitCommit(),
    },
    options,
  };

  const results = { fire: [], burst: [], api: [] };
  const failures = [];
  const attempt = async (what, work) => {
    try {
      return await work();
    } catch (error) {
      failures.push(`${what}: ${error instanceof Error ? error.message : error}`);
      log(`FAILED ${what}: ${error instanceof Error ? error.stack : error}`);
      return null;
    }
  };

  for (const scenario of options.scenarios) {
    for (const name of options.backends) {
      const backend = BACKENDS[name]();
      let result = null;
      if (scenario === 'fire') {
        result = await attempt(`fire ladder on ${name}`, () =>
          runFireLadder(ctx, backend, {
            steps: options.steps,
            warmupMs: options.warmupMs,
            windowMs: options.windowMs,
            graceMs: options.graceMs,
          }),
        );
      } else if (scenario === 'burst') {
        result = await attempt(`burst on ${name}`, () =>
          runBurst(ctx, backend, {
            count: options.burst,
            // Enough for the slower of the two preparations (BullMQ addBulk: ~10k jobs/s here).
            prepareMarginMs: Math.max(3000, options.burst / 5 + 2000),
            timeoutMs: options.burstTimeoutMs,
          }),
        );
      } else if (scenario === 'api') {
        if (!backend.seedApiJobs) continue; // BullMQ is a library: no HTTP API to measure.
        result = await attempt(`api on ${name}`, () =>
          runApi(ctx, backend, {
            durationSeconds: options.apiSeconds,
            connections: options.apiConnections,
            seedJobs: options.apiSeedJobs,
          }),
        );
      } else {
        throw new Error(`unknown scenario ${scenario}`);
      }
      if (result?.error) failures.push(`${scenario} on ${name}: ${result.error}`);
      if (result) results[scenario].push(result);
    }
  }
  await receiver.stop();

  const finishedAt = new Date();
  meta.finishedAt = finishedAt.toISOString();
  meta.durationSeconds = Math.round((finishedAt - startedAt) / 1000);
  const summary = { meta, ratios: ratios(results), results, failures };
  const correctness = smoke ? checkCorrectness(results, options) : [];
  summary.correctnessFailures = correctness;
  const report = writeOutputs(summary);
  console.log(`\n${report.text}`);
  log(`results: ${report.files.join(', ')}`);
  if (!options.keepLogs && failures.length === 0 && correctness.length === 0) {
    rmSync(logDir, { recursive: true, force: true });
  } else {
    log(`process logs kept in ${logDir}`);
  }
  for (const failure of [...failures, ...correctness]) console.error(`FAIL ${failure}`);
  if (failures.length > 0 || correctness.length > 0) return 1;
  log(`done in ${meta.durationSeconds} s${smoke ? ': smoke checks passed' : ''}`);
  return 0;
}

/** Smoke mode asserts correctness only, never speed. */
function checkCorrectness(results, opts) {
  const problems = [];
  for (const backend of opts.backends) {
    if (opts.scenarios.includes('fire')) {
      const ladder = results.fire.find((l) => l.backend === backend);
      if (!ladder) problems.push(`${backend}: no fire ladder result`);
      for (const step of ladder?.steps ?? []) {
        const at = `${backend} fire ${step.jobs} jobs`;
        if (step.missed > 0)
          problems.push(`${at}: ${step.missed} of ${step.expected} fires missed`);
        if (step.duplicates > 0) problems.push(`${at}: ${step.duplicates} duplicate fires`);
        if (step.historyCommitted !== step.expected) {
          problems.push(`${at}: history of ${step.historyCommitted} of ${step.expected} fires`);
        }
      }
    }
    if (opts.scenarios.includes('burst')) {
      const burst = results.burst.find((b) => b.backend === backend);
      if (!burst) problems.push(`${backend}: no burst result`);
      else {
        if (burst.delivered !== burst.count) {
          problems.push(`${backend} burst: ${burst.delivered} of ${burst.count} delivered`);
        }
        if (burst.duplicates > 0) problems.push(`${backend} burst: ${burst.duplicates} duplicates`);
        if (burst.historyCommitted !== burst.count) {
          problems.push(`${backend} burst: history of ${burst.historyCommitted} of ${burst.count}`);
        }
      }
    }
  }
  if (opts.scenarios.includes('api') && opts.backends.includes('job-scheduler')) {
    const api = results.api.find((a) => a.backend === 'job-scheduler');
    if (!api) problems.push('job-scheduler: no API result');
    for (const endpoint of api?.endpoints ?? []) {
      if (endpoint.requests === 0) problems.push(`${endpoint.endpoint}: no request answered`);
      if (endpoint.non2xx > 0 || endpoint.errors > 0) {
        problems.push(
          `${endpoint.endpoint}: ${endpoint.non2xx} non-2xx, ${endpoint.errors} errors`,
        );
      }
      // Requests still in flight when autocannon stops are written but not counted as 201s.
      const inFlight = endpoint.connections;
      if (
        endpoint.jobsWritten !== undefined &&
        (endpoint.jobsWritten < endpoint.created ||
          endpoint.jobsWritten > endpoint.created + inFlight)
      ) {
        problems.push(
          `${endpoint.endpoint}: ${endpoint.created} created, ${endpoint.jobsWritten} in PostgreSQL`,
        );
      }
    }
  }
  return problems;
}

function writeOutputs(summary) {
  mkdirSync(RESULTS, { recursive: true });
  const stamp = summary.meta.startedAt.replace(/[:.]/g, '-');
  const mode = variant;
  const files = [];
  const write = (path, content) => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    files.push(path.startsWith(ROOT) ? path.slice(ROOT.length) : path);
  };
  const json = (value) => `${JSON.stringify(value, null, 2)}\n`;
  for (const scenario of ['fire', 'burst', 'api']) {
    if (summary.results[scenario].length === 0) continue;
    write(
      join(RESULTS, `${stamp}${mode}-${scenario}.json`),
      json({ meta: summary.meta, results: summary.results[scenario], ratios: summary.ratios }),
    );
  }
  write(join(RESULTS, `latest${variant}.json`), json(summary));

  const sections = [];
  const add = (title, t) => sections.push({ title, text: t.text, markdown: t.markdown });
  if (summary.results.fire.length > 0) {
    add('Scenario 1: fire capacity (every-second jobs)', fireTable(summary.results.fire));
    add('Scenario 1: CPU and peak memory per process', fireResourcesTable(summary.results.fire));
  }
  if (summary.results.burst.length > 0) {
    add('Scenario 2: burst drain', burstTable(summary.results.burst));
  }
  if (summary.results.api.length > 0) add('Scenario 3: API', apiTable(summary.results.api));
  const ratioText = ratiosText(summary.ratios);
  const text = [
    ...sections.map((s) => `${s.title}\n\n${s.text}\n`),
    ratioText ? `job-scheduler / BullMQ\n\n${ratioText}\n` : '',
  ].join('\n');
  const markdown = [
    ...sections.map((s) => `### ${s.title}\n\n${s.markdown}\n`),
    ratioText
      ? `### job-scheduler / BullMQ\n\n${ratioText
          .split('\n')
          .map((l) => `- ${l}`)
          .join('\n')}\n`
      : '',
  ].join('\n');
  write(join(RESULTS, `${stamp}${mode}-report.md`), markdown);

  if (summary.results.fire.length > 0) {
    const svg = latenessChartSvg(summary.results.fire, {
      title: 'Fire lateness against load: job-scheduler and BullMQ',
      subtitle: `${summary.meta.machine.cores} cores, ${summary.meta.startedAt.slice(0, 10)}, ${options.windowMs / 1000} s window per step after ${options.warmupMs / 1000} s warm-up`,
    });
    if (svg) {
      write(join(RESULTS, `${stamp}${mode}-lateness.svg`), svg);
      if (official) write(DOCS_CHART, svg);
    }
  }
  return { text, markdown, files };
}

function parseArgs(argv) {
  const parsed = {};
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`unexpected argument ${arg}`);
    const [key, inline] = arg.slice(2).split('=', 2);
    if (inline !== undefined) parsed[key] = inline;
    else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) parsed[key] = argv[++i];
    else parsed[key] = true;
  }
  return parsed;
}

function list(value) {
  return typeof value === 'string' ? value.split(',').filter(Boolean) : undefined;
}

function packageVersion(name, from = join(ROOT, 'bench')) {
  try {
    const require = createRequire(join(from, 'noop.js'));
    return require(name === '..' ? join(ROOT, 'package.json') : `${name}/package.json`).version;
  } catch {
    return null;
  }
}

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
  } catch {
    return null;
  }
}
