import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { ApiKeyEntity } from '../database/entities/api-key.entity.js';
import { queryRows } from '../database/query-rows.js';

export interface UsableApiKey {
  id: string;
  tenantId: string;
  prefix: string;
  keyHash: string;
  scopes: string[];
  expiresAt: Date | null;
}

export interface NewApiKey {
  tenantId: string;
  name: string | null;
  prefix: string;
  keyHash: string;
  scopes: string[];
  expiresAt: Date | null;
}

@Injectable()
export class ApiKeyRepository {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(ApiKeyEntity) private readonly keys: Repository<ApiKeyEntity>,
  ) {}

  /**
   * The key with this prefix if it may be used now: not revoked, not expired (by the
   * database's clock, brief invariant 6) and its tenant not deleted. Anything else is "no
   * such key", so the caller cannot tell the cases apart.
   */
  async findUsableByPrefix(prefix: string): Promise<UsableApiKey | null> {
    const rows = await queryRows<UsableApiKey>(
      this.dataSource,
      `SELECT k.id, k.tenant_id AS "tenantId", k.prefix, k.key_hash AS "keyHash", k.scopes,
              k.expires_at AS "expiresAt"
       FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
       WHERE k.prefix = $1 AND k.revoked_at IS NULL
         AND (k.expires_at IS NULL OR k.expires_at > now()) AND t.deleted_at IS NULL`,
      [prefix],
    );
    return rows[0] ?? null;
  }

  async insert(key: NewApiKey): Promise<ApiKeyEntity> {
    return this.keys.save(this.keys.create(key));
  }

  async listForTenant(tenantId: string): Promise<ApiKeyEntity[]> {
    return this.keys.find({ where: { tenantId }, order: { createdAt: 'DESC', id: 'DESC' } });
  }

  async findForTenant(tenantId: string, id: string): Promise<ApiKeyEntity | null> {
    return this.keys.findOneBy({ tenantId, id });
  }

  /** Revokes one key of the tenant; revoking twice keeps the first time. */
  async revoke(tenantId: string, id: string): Promise<boolean> {
    const rows = await queryRows<{ id: string }>(
      this.dataSource,
      `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now())
       WHERE tenant_id = $1 AND id = $2 RETURNING id`,
      [tenantId, id],
    );
    return rows.length > 0;
  }
}
