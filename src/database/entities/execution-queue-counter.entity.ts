import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The PostgreSQL queue's outcome counters (`completed`, `failed`, `retrying`), each spread
 * over shards: one row per counter would serialise every worker's acknowledgement on a
 * single row lock, held until its commit is flushed. `stats()` sums the shards.
 */
@Entity({ name: 'execution_queue_counters' })
@Check('execution_queue_counters_name', "name IN ('completed', 'failed', 'retrying')")
export class ExecutionQueueCounterEntity {
  @PrimaryColumn({ type: 'varchar', length: 16 })
  name!: string;

  @PrimaryColumn({ type: 'smallint' })
  shard!: number;

  @Column({ type: 'bigint' })
  value!: string;
}
