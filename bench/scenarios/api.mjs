/**
 * Scenario 3: the REST API under load, with autocannon (closed loop: `connections` clients,
 * each sending its next request when the previous one is answered). Against a fresh
 * `dist/main.js` (API + scheduler, leading, as deployed by default), no worker:
 * - GET /api/v1/jobs/{id}, a random id among `seedJobs` jobs each time;
 * - POST /api/v1/jobs, a valid job that never fires during the run.
 * Every request authenticates with a tenant API key (`Authorization: Bearer jsk_...`) and is
 * counted by the per-key rate limit (set far above the load), as in production.
 * Correctness is checked too: every answer 2xx, and as many jobs in PostgreSQL as 201s.
 * BullMQ is a library without an HTTP API: this scenario has no BullMQ side.
 */
import { cpuMeter, round } from '../lib/proc-stats.mjs';
import { jsonRequest } from '../lib/util.mjs';

async function loadAutocannon() {
  try {
    return (await import('autocannon')).default;
  } catch (error) {
    throw new Error(
      `autocannon is not installed (npm install -D autocannon): ${error instanceof Error ? error.message : error}`,
    );
  }
}

export async function runApi(ctx, backend, { durationSeconds, connections, seedJobs }) {
  const autocannon = await loadAutocannon();
  ctx.log(`[api] ${backend.key}: ${connections} connections, ${durationSeconds} s per endpoint`);
  const deployment = await backend.start(ctx, 'api');
  try {
    const ids = await backend.seedApiJobs(ctx, deployment, {
      count: seedJobs,
      urlPrefix: ctx.receiver.url('api', ''),
    });
    // A tenant's own key, as a client would hold: the bootstrap admin key is checked without
    // a database read, so it would understate what authentication costs.
    const minted = await jsonRequest(
      deployment.apiUrl,
      'POST',
      '/api/v1/tenants/00000000-0000-4000-8000-000000000001/api-keys',
      { scopes: ['jobs:read', 'jobs:write'], name: 'bench' },
    );
    if (minted.status !== 201) throw new Error(`minting an API key: ${minted.status}`);
    const authorization = `Bearer ${minted.body.key}`;
    const measure = async (title, options) => {
      const meter = cpuMeter(await ctx.processGroups(backend, deployment));
      meter.start();
      const result = await autocannon({
        url: deployment.apiUrl,
        connections,
        duration: durationSeconds,
        ...options,
        headers: { ...options.headers, authorization },
      });
      if (result.errors > 0 && result.requests.total === 0) {
        throw new Error(`${title}: no request answered (${result.errors} errors)`);
      }
      const resources = meter.stop();
      const summary = {
        endpoint: title,
        connections,
        durationSeconds: result.duration,
        requests: result.requests.total,
        requestsPerSecond: round(result.requests.total / result.duration, 0),
        latencyMs: {
          p50: result.latency.p50,
          p90: result.latency.p90,
          p99: result.latency.p99,
          max: result.latency.max,
          mean: round(result.latency.average, 2),
        },
        non2xx: result.non2xx,
        errors: result.errors,
        timeouts: result.timeouts,
        statusCodes: Object.fromEntries(
          Object.entries(result.statusCodeStats ?? {}).map(([code, v]) => [code, Number(v.count)]),
        ),
        resources,
      };
      ctx.log(
        `[api] ${title}: ${summary.requestsPerSecond} req/s, p50 ${summary.latencyMs.p50} ms, ` +
          `p99 ${summary.latencyMs.p99} ms, non-2xx ${summary.non2xx}, errors ${summary.errors}`,
      );
      return summary;
    };

    const get = await measure('GET /api/v1/jobs/{id}', {
      requests: [
        {
          method: 'GET',
          setupRequest: (request) => ({
            ...request,
            path: `/api/v1/jobs/${ids[Math.floor(Math.random() * ids.length)]}`,
          }),
        },
      ],
    });
    const post = await measure('POST /api/v1/jobs', {
      url: `${deployment.apiUrl}/api/v1/jobs`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'bench-api-post',
        cronExpression: '0 0 0 1 1 *',
        httpUrl: ctx.receiver.url('api', 'post'),
        httpHeaders: { 'x-bench': 'api' },
      }),
    });
    post.jobsWritten = await backend.countJobs(ctx, 'bench-api-post');
    post.created = post.statusCodes['201'] ?? 0;
    return {
      backend: backend.key,
      configuration: {
        ...backend.describe(),
        processes: '1 × node dist/main.js (API + scheduler, leading), no worker',
        seededJobs: seedJobs,
      },
      endpoints: [get, post],
    };
  } finally {
    await backend.stop(ctx, deployment);
  }
}
