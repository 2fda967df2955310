import { Injectable, Logger } from '@nestjs/common';
import { ExecutionQueue } from '../queue/execution-queue.js';
import { ScheduleExpansionRepository } from './schedule-expansion.repository.js';

const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const PAGE = 1000;

/**
 * PostgreSQL is the source of truth: every execution it says is queued, running or waiting
 * for a retry must be in the queue. Anything the queue lost (Redis restarted without
 * persistence, FLUSHALL, a leader killed between marking and enqueueing) is put back, due
 * when PostgreSQL says. Putting back is idempotent; a duplicate delivery of an
 * AT_MOST_ONCE execution is prevented by its claim in PostgreSQL, not here.
 */
@Injectable()
export class QueueReconciliationService {
  private readonly logger = new Logger(QueueReconciliationService.name);

  constructor(
    private readonly repository: ScheduleExpansionRepository,
    private readonly queue: ExecutionQueue,
  ) {}

  /** `all`: everything in flight; `due`: only what is already due (the periodic check). */
  async reconcile(scope: 'all' | 'due'): Promise<number> {
    const now = await this.repository.now();
    const until = scope === 'all' ? new Date('9999-12-31T00:00:00Z') : now;
    let restored = 0;
    let after = NIL_UUID;
    for (;;) {
      const page = await this.repository.inFlight(until, after, PAGE);
      if (page.length === 0) break;
      const missing = new Set(await this.queue.missing(page.map((e) => e.id)));
      const items = page
        .filter((e) => missing.has(e.id))
        .map((e) => ({ id: e.id, dueAt: e.dueAt.getTime() }));
      restored += await this.queue.enqueue(items);
      after = page.at(-1)!.id;
      if (page.length < PAGE) break;
    }
    if (restored > 0) this.logger.warn(`Restored ${restored} execution(s) the queue had lost`);
    return restored;
  }
}
