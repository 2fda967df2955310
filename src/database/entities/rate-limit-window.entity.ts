import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The API rate limit's fixed window per key, on the PostgreSQL backend. The migration makes
 * the table UNLOGGED (TypeORM cannot say so): a counter needs no WAL and no flushed commit,
 * and a crash that empties it only resets budgets, as a Redis restart would.
 */
@Entity({ name: 'rate_limit_windows' })
export class RateLimitWindowEntity {
  @PrimaryColumn({ type: 'varchar', length: 200 })
  key!: string;

  @Column({ name: 'window_ends_at', type: 'timestamptz', precision: 3 })
  windowEndsAt!: Date;

  @Column({ type: 'integer' })
  count!: number;
}
