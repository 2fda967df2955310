import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, IsNull, Repository } from 'typeorm';
import { TenantEntity } from '../database/entities/tenant.entity.js';
import type { TenantQuotas } from '../database/entities/tenant.entity.js';
import { isUniqueViolation } from '../database/postgres-errors.js';
import { queryRows } from '../database/query-rows.js';
import { lockTenantJobs } from '../database/tenant-jobs-lock.js';

@Injectable()
export class TenantRepository {
  constructor(
    private readonly dataSource: DataSource,
    @InjectRepository(TenantEntity) private readonly tenants: Repository<TenantEntity>,
  ) {}

  /** `null` when the name is taken (the unique constraint decides, not a prior read). */
  async insert(name: string, quotas: TenantQuotas): Promise<TenantEntity | null> {
    const rows = await queryRows<{ id: string }>(
      this.dataSource,
      `INSERT INTO tenants (name, quotas) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING id`,
      [name, JSON.stringify(quotas)],
    );
    const row = rows[0];
    return row ? this.tenants.findOneByOrFail({ id: row.id }) : null;
  }

  async findLive(id: string): Promise<TenantEntity | null> {
    return this.tenants.findOneBy({ id, deletedAt: IsNull() });
  }

  /** The tenant's quotas (`{}` when it has none or does not exist). */
  async quotasOf(id: string): Promise<TenantQuotas> {
    return (await this.findLive(id))?.quotas ?? {};
  }

  async list(page: number, limit: number): Promise<{ items: TenantEntity[]; total: number }> {
    const [items, total] = await this.tenants.findAndCount({
      where: { deletedAt: IsNull() },
      order: { createdAt: 'ASC', id: 'ASC' },
      skip: (page - 1) * limit,
      take: limit,
    });
    return { items, total };
  }

  /** `null` when the tenant is not live, or the new name is taken by another tenant. */
  async update(
    id: string,
    change: { name?: string; quotas?: TenantQuotas },
  ): Promise<TenantEntity | null> {
    let rows: Array<{ id: string }>;
    try {
      rows = await queryRows<{ id: string }>(
        this.dataSource,
        `UPDATE tenants SET name = COALESCE($2, name), quotas = COALESCE($3::jsonb, quotas),
                updated_at = now()
         WHERE id = $1 AND deleted_at IS NULL
         RETURNING id`,
        [
          id,
          change.name ?? null,
          change.quotas === undefined ? null : JSON.stringify(change.quotas),
        ],
      );
    } catch (error) {
      // The name is taken: the constraint decides, so two concurrent renames cannot both win.
      if (isUniqueViolation(error)) return null;
      throw error;
    }
    const row = rows[0];
    return row ? this.tenants.findOneByOrFail({ id: row.id }) : null;
  }

  /**
   * Soft-deletes a tenant that has no live jobs and revokes its keys, in one transaction,
   * under the lock a job creation takes (`lockTenantJobs`), so no job can appear meanwhile. Deleting a tenant never deletes jobs behind its
   * owner's back: a tenant with live jobs is refused.
   */
  async softDelete(id: string): Promise<'deleted' | 'not-found' | 'has-jobs'> {
    return this.dataSource.transaction(async (manager) => {
      await lockTenantJobs(manager, id);
      const locked = await queryRows<{ id: string }>(
        manager,
        'SELECT id FROM tenants WHERE id = $1 AND deleted_at IS NULL FOR UPDATE',
        [id],
      );
      if (locked.length === 0) return 'not-found';
      const jobs = await queryRows<{ live: boolean }>(
        manager,
        'SELECT EXISTS (SELECT 1 FROM jobs WHERE tenant_id = $1 AND deleted_at IS NULL) AS live',
        [id],
      );
      if (jobs[0]?.live) return 'has-jobs';
      await manager.query(
        'UPDATE tenants SET deleted_at = now(), updated_at = now() WHERE id = $1',
        [id],
      );
      await manager.query(
        'UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1 AND revoked_at IS NULL',
        [id],
      );
      return 'deleted';
    });
  }
}
