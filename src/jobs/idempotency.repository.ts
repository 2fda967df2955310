import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/query-rows.js';
import type { TenantScope } from '../tenancy/principal.js';

export interface StoredResponse {
  requestHash: string;
  /** The original response body as stored (sealed by the caller). */
  body: string;
}

/**
 * `Idempotency-Key` records in PostgreSQL. A key is claimed by an INSERT in the transaction
 * that does the work: a concurrent duplicate blocks on the primary key until that
 * transaction ends, then finds the key taken (or free again, if the first one rolled back).
 */
@Injectable()
export class IdempotencyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The live (not expired, by the database's clock) record of a key, if any. */
  async find(scope: TenantScope, operation: string, key: string): Promise<StoredResponse | null> {
    const rows = await queryRows<{ request_hash: string; response_body: string }>(
      this.dataSource,
      `SELECT request_hash, response_body FROM idempotency_keys
       WHERE tenant_id = $1 AND operation = $2 AND key = $3 AND expires_at > now()
         AND response_status > 0`,
      [scope.tenantId, operation, key],
    );
    const row = rows[0];
    return row ? { requestHash: row.request_hash, body: row.response_body } : null;
  }

  /**
   * Claims the key for this transaction; false if a live record holds it. An expired record
   * is taken over. The row carries no response until `complete`.
   */
  async claim(
    manager: EntityManager,
    scope: TenantScope,
    operation: string,
    key: string,
    requestHash: string,
    ttlSeconds: number,
  ): Promise<boolean> {
    const rows = await queryRows<{ key: string }>(
      manager,
      `INSERT INTO idempotency_keys
         (tenant_id, operation, key, request_hash, response_status, response_body, expires_at)
       VALUES ($1, $2, $3, $4, 0, '', now() + make_interval(secs => $5))
       ON CONFLICT (tenant_id, operation, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, response_status = 0, response_body = '',
             expires_at = EXCLUDED.expires_at
         WHERE idempotency_keys.expires_at <= now()
       RETURNING key`,
      [scope.tenantId, operation, key, requestHash, ttlSeconds],
    );
    return rows.length > 0;
  }

  async complete(
    manager: EntityManager,
    scope: TenantScope,
    operation: string,
    key: string,
    status: number,
    body: string,
  ): Promise<void> {
    await manager.query(
      `UPDATE idempotency_keys SET response_status = $4, response_body = $5
       WHERE tenant_id = $1 AND operation = $2 AND key = $3`,
      [scope.tenantId, operation, key, status, body],
    );
  }

  /** Drops expired records; returns how many. Run by the leader's housekeeping. */
  async deleteExpired(limit: number): Promise<number> {
    const rows = await queryRows<{ key: string }>(
      this.dataSource,
      `DELETE FROM idempotency_keys WHERE ctid IN (
         SELECT ctid FROM idempotency_keys WHERE expires_at <= now() LIMIT $1)
       RETURNING key`,
      [limit],
    );
    return rows.length;
  }
}
