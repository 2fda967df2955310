import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { FencedOutError } from './fenced-out.error.js';
import { queryRows } from '../database/query-rows.js';

/**
 * The fencing epoch in PostgreSQL. The leader lease decides who *tries* to schedule; this row
 * decides whose writes count (brief, invariant 2).
 */
@Injectable()
export class LeadershipRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Called by a scheduler that has just won the lock: every older epoch is fenced out. */
  async takeEpoch(holder: string): Promise<string> {
    const rows = await queryRows<{ epoch: string }>(
      this.dataSource,
      `UPDATE scheduler_leadership SET epoch = epoch + 1, holder = $1, acquired_at = now()
       WHERE id = 1 RETURNING epoch::text AS epoch`,
      [holder],
    );
    const epoch = rows[0]?.epoch;
    if (epoch === undefined)
      throw new Error('scheduler_leadership row is missing: run the migrations');
    return epoch;
  }

  async currentEpoch(): Promise<string> {
    const rows = await queryRows<{ epoch: string }>(
      this.dataSource,
      'SELECT epoch::text AS epoch FROM scheduler_leadership WHERE id = 1',
    );
    return rows[0]?.epoch ?? '0';
  }

  /**
   * Runs `work` in a transaction that first takes a share lock on the fencing row and checks
   * the epoch. A new leader's `takeEpoch` (an UPDATE of that row) waits for this transaction
   * to end, and once it has committed every later fenced transaction of the old leader fails
   * here: a paused leader that wakes up cannot write.
   */
  async fenced<T>(epoch: string, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      const rows = await queryRows<{ epoch: string }>(
        manager,
        'SELECT epoch::text AS epoch FROM scheduler_leadership WHERE id = 1 FOR SHARE',
      );
      const current = rows[0]?.epoch ?? '0';
      if (current !== epoch) throw new FencedOutError(epoch, current);
      return work(manager);
    });
  }
}
