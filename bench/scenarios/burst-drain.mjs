/**
 * Scenario 2: burst drain. `count` executions are prepared ahead, all due within one second
 * (100 per job, 10 ms apart, from an aligned second T), then the backend drains them. The
 * rate is executions per second from T to the moment the last one's history was committed
 * (job-scheduler: the last SUCCEEDED row's finished_at; BullMQ: the last completed job's
 * finishedOn). Both backends get the same items, due at the same instants.
 */
import { cpuMeter, round } from '../lib/proc-stats.mjs';
import { ceilSecond, pollUntil, sleepUntil } from '../lib/util.mjs';

const PER_JOB = 100;
const SPREAD_MS = 10;

export async function runBurst(ctx, backend, { count, prepareMarginMs, timeoutMs }) {
  ctx.log(`[burst] ${backend.key}: ${count} executions due at once`);
  const tag = `${backend.key}-burst-${Date.now()}`;
  const deployment = await backend.start(ctx, 'burst');
  try {
    const dueAt = ceilSecond(Date.now() + prepareMarginMs);
    const prepareStarted = Date.now();
    await backend.prepareBurst(ctx, deployment, {
      count,
      dueAt,
      urlPrefix: ctx.receiver.url(tag, ''),
      perJob: PER_JOB,
      spreadMs: SPREAD_MS,
    });
    const preparedAt = Date.now();
    // Preparation must end before the first item is due, or the drain would start early.
    if (preparedAt > dueAt) {
      throw new Error(
        `burst preparation took ${preparedAt - prepareStarted} ms, past the due time`,
      );
    }
    const meter = cpuMeter(await ctx.processGroups(backend, deployment));
    await sleepUntil(dueAt);
    meter.start();
    const activityBefore = await ctx.activity(backend);
    // Watch the receiver (another process, cheap to ask) until everything arrived, and only
    // then the backend's history: counting 100k rows every 250 ms would take PostgreSQL CPU
    // from the engine being measured.
    const deadline = dueAt + timeoutMs;
    await pollUntil(
      () => ctx.receiver.count(tag),
      (c) => c.records >= count,
      { everyMs: 250, deadline },
    );
    const progress = await pollUntil(
      () => backend.burstProgress(ctx, deployment),
      (p) => p.succeeded + p.failed >= count,
      { everyMs: 250, deadline: Math.max(deadline, Date.now() + 10_000) },
    );
    const resources = meter.stop();
    const activity = ctx.activityRates(activityBefore, await ctx.activity(backend));
    const received = await ctx.receiver.burstSummary(tag, count);
    const drainMs = progress.lastCommittedAt === null ? null : progress.lastCommittedAt - dueAt;
    const completed = progress.succeeded + progress.failed >= count;
    const result = {
      backend: backend.key,
      configuration: backend.describe(),
      count,
      dueAt: new Date(dueAt).toISOString(),
      dueSpreadMs: (PER_JOB - 1) * SPREAD_MS,
      prepareMs: preparedAt - prepareStarted,
      completedWithinTimeout: completed,
      historyCommitted: progress.succeeded,
      failed: progress.failed,
      delivered: received.delivered,
      missed: received.missed,
      duplicates: received.duplicates,
      redelivered: received.redelivered,
      firstDeliveryAfterDueMs:
        received.firstReceivedAt === null ? null : received.firstReceivedAt - dueAt,
      lastDeliveryAfterDueMs:
        received.lastReceivedAt === null ? null : received.lastReceivedAt - dueAt,
      drainMs,
      executionsPerSecond:
        completed && drainMs > 0 ? round(progress.succeeded / (drainMs / 1000), 0) : null,
      lateness: received.lateness,
      resources,
      activityPerSecond: activity,
    };
    ctx.log(
      `[burst] ${backend.key}: ${result.historyCommitted}/${count} committed in ${drainMs} ms ` +
        `(${result.executionsPerSecond ?? '-'} /s), ${result.delivered} delivered, ` +
        `${result.duplicates} dup`,
    );
    return result;
  } finally {
    await backend.stop(ctx, deployment);
    await ctx.receiver.drop(tag);
  }
}
