import { afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { loadAppConfig } from '../config/load-app-config.js';
import type { ClaimResult, ExecutionQueue } from '../queue/execution-queue.js';
import type { DeliveryService } from './delivery.service.js';
import { DestinationPass } from './destination-admission.service.js';
import type {
  AdmissionOptions,
  DestinationAdmissionService,
} from './destination-admission.service.js';
import type { ClaimedExecution, ExecutionRepository } from './execution.repository.js';
import { WorkerIdentity } from './worker-identity.js';
import { WorkerLoopService } from './worker-loop.service.js';
import { TenantAdmissionService } from './tenant-admission.service.js';
import type { AttemptDeferralService } from './attempt-deferral.service.js';
import type { TenantLimiterStore } from './tenant-limiter.store.js';

/** The fixtures' tenants have no caps: the tenant admission never reaches its store. */
const unlimitedTenants = {} as TenantLimiterStore;
const unusedDeferral = {} as AttemptDeferralService;

const POOL = 2;
const SLOW = 'https://slow.example/hook';
const FAST = 'https://fast.example/hook';

/** Due items by id; each claim takes from the front. */
class FakeQueue {
  readonly due: string[] = [];
  readonly claimed: string[] = [];

  claim(count: number): Promise<ClaimResult> {
    const ids = this.due.splice(0, count);
    this.claimed.push(...ids);
    return Promise.resolve({ ids, nextDueInMs: null });
  }

  extendLeases(ids: readonly string[]): Promise<string[]> {
    return Promise.resolve([...ids]);
  }
}

/**
 * Attempts to SLOW wait for a permit until the worker stops (then go back unsent); attempts
 * to FAST are admitted at once.
 */
class FakeAdmission {
  waiting = 0;

  admit(
    execution: ClaimedExecution,
    _attempt: number,
    options: AdmissionOptions,
  ): Promise<DestinationPass | null> {
    if (execution.httpUrl === FAST) return Promise.resolve(new DestinationPass(null, null));
    this.waiting++;
    options.onWait();
    return new Promise((resolve) => {
      options.stop.addEventListener('abort', () => {
        this.waiting--;
        resolve(null);
      });
    });
  }
}

const urls = new Map<string, string>();

function claimedExecution(id: string): ClaimedExecution {
  return {
    id,
    jobId: 'job',
    tenantId: '00000000-0000-4000-8000-000000000001',
    tenantLimits: { maxConcurrentExecutions: null, maxExecutionsPerSecond: null },
    httpTargetSealed: null,
    signingSecretsSealed: [],
    scheduledAt: new Date(0),
    previousStatus: 'QUEUED',
    attempt: 1,
    attemptBase: 0,
    executionType: 'AT_LEAST_ONCE',
    httpMethod: 'POST',
    httpUrl: urls.get(id) ?? FAST,
    httpHeaders: {},
    httpBody: null,
    timeoutSeconds: 30,
    retryPolicy: { maxAttempts: 3, initialBackoffMs: 1000, maxBackoffMs: 60_000 },
  };
}

/** Gives the loop's promise chains many turns to run. */
async function turns(n = 20): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

async function until(what: string, predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 1_000; i++) {
    if (predicate()) return;
    await turns(1);
  }
  throw new Error(`never happened: ${what}`);
}

describe('WorkerLoopService: pool slots and attempts waiting for a destination', () => {
  let loop: WorkerLoopService | undefined;
  let queue: FakeQueue;
  let admission: FakeAdmission;
  let delivered: string[];

  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  function start(due: Array<[string, string]>): void {
    queue = new FakeQueue();
    admission = new FakeAdmission();
    delivered = [];
    for (const [id, url] of due) {
      queue.due.push(id);
      urls.set(id, url);
    }
    const executions = {
      claim: (ids: readonly string[]) => Promise.resolve(ids.map(claimedExecution)),
    } as unknown as ExecutionRepository;
    const delivery = {
      deliver: (execution: ClaimedExecution) => {
        delivered.push(execution.id);
        return Promise.resolve();
      },
    } as unknown as DeliveryService;
    loop = new WorkerLoopService(
      loadAppConfig({
        ENVIRONMENT: 'development',
        WORKER_POOL_SIZE: String(POOL),
        WORKER_SHUTDOWN_GRACE_MS: '0',
      }),
      new WorkerIdentity(),
      queue as unknown as ExecutionQueue,
      executions,
      delivery,
      admission as unknown as DestinationAdmissionService,
      new TenantAdmissionService(unlimitedTenants, unusedDeferral),
    );
    loop.onApplicationBootstrap();
  }

  afterEach(async () => {
    await loop?.onApplicationShutdown();
    loop = undefined;
  });

  it('does not count attempts waiting for a permit against the pool', async () => {
    // Both slots' worth of attempts go to the slow destination and wait; the fast one's
    // attempt behind them must still be claimed and sent.
    start([
      ['slow-1', SLOW],
      ['slow-2', SLOW],
      ['fast-1', FAST],
    ]);
    await until('the fast attempt to be sent', () => delivered.includes('fast-1'));
    expect(admission.waiting).toBe(2);
    expect(loop!.activeCount).toBe(2);
  });

  it(`holds at most twice the pool (${2 * POOL}), however many attempts wait`, async () => {
    start(Array.from({ length: 10 }, (_, i): [string, string] => [`slow-${i}`, SLOW]));
    await until('the hold limit to be reached', () => queue.claimed.length >= 2 * POOL);
    await turns();
    expect(queue.claimed).toHaveLength(2 * POOL);
    expect(admission.waiting).toBe(2 * POOL);
  });

  it('puts waiting attempts back when it stops (their admission sees the stop signal)', async () => {
    start([['slow-1', SLOW]]);
    await until('the attempt to wait', () => admission.waiting === 1);
    await loop!.onApplicationShutdown();
    loop = undefined;
    expect(admission.waiting).toBe(0);
    expect(delivered).toEqual([]);
  });
});
