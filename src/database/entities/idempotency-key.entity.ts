import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A replayable answer to a request made with an `Idempotency-Key` header. The key is claimed
 * in the transaction that does the work, so concurrent duplicates wait on the primary key and
 * then find the stored answer. The response is stored encrypted: a create response carries
 * the job's signing secret.
 */
@Entity({ name: 'idempotency_keys' })
@Index('idempotency_keys_expires_idx', ['expiresAt'])
export class IdempotencyKeyEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  /** The operation (`POST /api/v1/jobs`, `POST /api/v1/jobs/{id}/trigger`). */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  operation!: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  key!: string;

  /** Hex SHA-256 of the request (path and body): a different request under the same key is a 422. */
  @Column({ name: 'request_hash', type: 'char', length: 64 })
  requestHash!: string;

  @Column({ name: 'response_status', type: 'integer' })
  responseStatus!: number;

  @Column({ name: 'response_body', type: 'text' })
  responseBody!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
