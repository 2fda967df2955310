/**
 * Scenario 1: fire capacity. N jobs fire every second (`* * * * * *`); for each step N, a
 * fresh deployment of the backend gets N jobs, warms up, and is measured over a window of
 * whole seconds: every (job, second) in the window is one expected fire.
 *
 * A step passes ("sustained") when every expected fire was delivered, none twice, with p99
 * lateness under 250 ms. The ladder stops climbing once a step clearly fails (under 99%
 * delivered, or p99 over a second): higher steps would only fail harder and cost minutes.
 */
import { cpuMeter } from '../lib/proc-stats.mjs';
import { ceilSecond, pollUntil, sleepUntil } from '../lib/util.mjs';

export const SUSTAINED_P99_MS = 250;

export function isSustained(step) {
  return (
    step.delivered === step.expected &&
    step.duplicates === 0 &&
    step.lateness.p99 !== null &&
    step.lateness.p99 < SUSTAINED_P99_MS
  );
}

function clearlyFails(step) {
  return step.delivered < 0.99 * step.expected || (step.lateness.p99 ?? Infinity) > 1000;
}

export async function runFireLadder(ctx, backend, { steps, warmupMs, windowMs, graceMs }) {
  const results = [];
  let error = null;
  for (const jobs of steps) {
    ctx.log(`[fire] ${backend.key}: ${jobs} every-second jobs`);
    let step;
    try {
      step = await runStep(ctx, backend, { jobs, warmupMs, windowMs, graceMs });
    } catch (caught) {
      // Keep the steps measured so far; the run reports the failure.
      error = `${jobs} jobs: ${caught instanceof Error ? caught.message : caught}`;
      ctx.log(
        `[fire] ${backend.key}: step failed: ${caught instanceof Error ? caught.stack : caught}`,
      );
      break;
    }
    results.push(step);
    ctx.log(`[fire] ${backend.key} ${jobs}: ${describeStep(step)}`);
    if (clearlyFails(step)) {
      ctx.log(`[fire] ${backend.key}: stopping the ladder at ${jobs} jobs`);
      break;
    }
  }
  const passing = results.filter((step) => step.sustained).map((step) => step.jobs);
  return {
    backend: backend.key,
    configuration: backend.describe(),
    sustainedCapacity: passing.length > 0 ? Math.max(...passing) : 0,
    steps: results,
    error,
  };
}

async function runStep(ctx, backend, { jobs, warmupMs, windowMs, graceMs }) {
  const tag = `${backend.key}-fire-${jobs}-${Date.now()}`;
  const deployment = await backend.start(ctx, 'fire');
  try {
    const setupStarted = Date.now();
    const setup = await backend.createEverySecondJobs(ctx, deployment, {
      count: jobs,
      urlPrefix: ctx.receiver.url(tag, ''),
    });
    const setupMs = Date.now() - setupStarted;
    const fromMs = ceilSecond(Date.now() + warmupMs);
    const toMs = fromMs + windowMs;
    const meter = cpuMeter(await ctx.processGroups(backend, deployment));
    await sleepUntil(fromMs);
    meter.start();
    const activityBefore = await ctx.activity(backend);
    await sleepUntil(toMs);
    const resources = meter.stop();
    const activity = ctx.activityRates(activityBefore, await ctx.activity(backend));

    // Late fires still count as delivered if they arrive within the grace period.
    const expected = jobs * (windowMs / 1000);
    const deadline = toMs + graceMs;
    const summary = await pollUntil(
      () => ctx.receiver.fireSummary(tag, jobs, fromMs, toMs),
      (s) => s.delivered >= expected,
      { everyMs: 500, deadline },
    );
    const committed = await pollUntil(
      () => backend.committedFires(ctx, deployment, { fromMs, toMs }),
      (n) => n >= summary.delivered,
      { everyMs: 500, deadline: Math.max(deadline, Date.now() + 2000) },
    );
    // Read once more: duplicates and stragglers that arrived while history was committed.
    const final = await ctx.receiver.fireSummary(tag, jobs, fromMs, toMs);
    const stages = backend.stageTimings
      ? await backend.stageTimings(ctx, deployment, { fromMs, toMs })
      : undefined;
    const step = {
      jobs,
      window: { from: new Date(fromMs).toISOString(), seconds: windowMs / 1000 },
      warmupSeconds: warmupMs / 1000,
      setup: { ...setup, ms: setupMs },
      expected: final.expected,
      delivered: final.delivered,
      missed: final.missed,
      duplicates: final.duplicates,
      redelivered: final.redelivered,
      unexpected: final.unexpected,
      lateness: final.lateness,
      historyCommitted: committed,
      stagesMs: stages,
      resources,
      activityPerSecond: activity,
    };
    step.sustained = isSustained(step);
    return step;
  } finally {
    await backend.stop(ctx, deployment);
    await ctx.receiver.drop(tag);
  }
}

export function describeStep(step) {
  const l = step.lateness;
  return (
    `${step.delivered}/${step.expected} delivered, ${step.duplicates} dup, ` +
    `lateness p50 ${l.p50} p99 ${l.p99} max ${l.max} ms, ` +
    `${step.historyCommitted} committed, ${step.sustained ? 'SUSTAINED' : 'not sustained'}`
  );
}
