import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The fencing row. A scheduler that wins the leader lease increments `epoch` here; every
 * scheduling write carries the epoch it holds and is rejected if a newer one exists.
 */
@Entity({ name: 'scheduler_leadership' })
@Check('scheduler_leadership_single_row', 'id = 1')
export class SchedulerLeadershipEntity {
  @PrimaryColumn({ type: 'smallint' })
  id!: number;

  @Column({ type: 'bigint' })
  epoch!: string;

  @Column({ type: 'varchar', length: 128, nullable: true })
  holder!: string | null;

  @Column({ name: 'acquired_at', type: 'timestamptz', nullable: true })
  acquiredAt!: Date | null;
}
