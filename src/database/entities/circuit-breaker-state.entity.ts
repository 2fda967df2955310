import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One destination's circuit breaker, for the PostgreSQL-only backend (the Redis backend keeps
 * the same record in a HASH). UNLOGGED in the migration: losing it in a crash only closes
 * every breaker, as a Redis restart would. Times are epoch ms of the database's clock.
 */
@Entity({ name: 'circuit_breakers' })
export class CircuitBreakerStateEntity {
  /** The URL origin (scheme, host, port). */
  @PrimaryColumn({ type: 'varchar', length: 512 })
  destination!: string;

  @Column({ type: 'varchar', length: 16 })
  state!: string;

  @Column({ type: 'integer' })
  failures!: number;

  @Column({ name: 'retry_at', type: 'bigint' })
  retryAt!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  probe!: string | null;

  /** For expiring records nobody has touched for a day. */
  @Column({ name: 'changed_at', type: 'timestamptz' })
  changedAt!: Date;
}
