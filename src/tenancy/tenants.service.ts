import { Injectable } from '@nestjs/common';
import { ConflictError } from '../common/conflict.error.js';
import { NotFoundError } from '../common/not-found.error.js';
import { DEFAULT_TENANT_ID } from '../database/entities/tenant.entity.js';
import type { TenantEntity, TenantQuotas } from '../database/entities/tenant.entity.js';
import type { TenantQuotasDto } from './dto/tenant-quotas.dto.js';
import type { CreateTenantDto, UpdateTenantDto } from './dto/tenant-requests.dto.js';
import type { TenantListResponse, TenantResponse } from './dto/tenancy-responses.dto.js';
import { AuthenticationService } from './authentication.service.js';
import { TenantRepository } from './tenant.repository.js';

const QUOTA_FIELDS = [
  'maxJobs',
  'minIntervalSeconds',
  'maxConcurrentExecutions',
  'maxExecutionsPerSecond',
] as const;

/** Tenant management (the `admin` scope). */
@Injectable()
export class TenantsService {
  constructor(
    private readonly tenants: TenantRepository,
    private readonly authentication: AuthenticationService,
  ) {}

  async create(input: CreateTenantDto): Promise<TenantResponse> {
    const created = await this.tenants.insert(input.name, mergeQuotas({}, input.quotas));
    if (created === null) throw nameTaken(input.name);
    return toTenantResponse(created);
  }

  async list(page: number, limit: number): Promise<TenantListResponse> {
    const { items, total } = await this.tenants.list(page, limit);
    return { items: items.map(toTenantResponse), page, limit, total };
  }

  async get(id: string): Promise<TenantResponse> {
    return toTenantResponse(await this.find(id));
  }

  async update(id: string, change: UpdateTenantDto): Promise<TenantResponse> {
    const current = await this.find(id);
    const updated = await this.tenants.update(id, {
      name: change.name,
      quotas: change.quotas === undefined ? undefined : mergeQuotas(current.quotas, change.quotas),
    });
    if (updated === null) {
      // Either the name is taken or the tenant was deleted meanwhile; a re-read tells which.
      await this.find(id);
      throw nameTaken(change.name ?? current.name);
    }
    return toTenantResponse(updated);
  }

  async remove(id: string): Promise<void> {
    if (id === DEFAULT_TENANT_ID) {
      throw new ConflictError('id', 'the default tenant cannot be deleted');
    }
    const outcome = await this.tenants.softDelete(id);
    if (outcome === 'not-found') throw new NotFoundError('Tenant', id);
    if (outcome === 'has-jobs') {
      throw new ConflictError('id', `tenant ${id} still has jobs; delete them first`);
    }
    this.authentication.forget({ tenantId: id });
  }

  private async find(id: string): Promise<TenantEntity> {
    const tenant = await this.tenants.findLive(id);
    if (tenant === null) throw new NotFoundError('Tenant', id);
    return tenant;
  }
}

/** A field given as `null` removes that limit; an absent field keeps it. */
function mergeQuotas(current: TenantQuotas, change: TenantQuotasDto | undefined): TenantQuotas {
  const merged: TenantQuotas = { ...current };
  for (const field of QUOTA_FIELDS) {
    const value = change?.[field];
    if (value === null) delete merged[field];
    else if (value !== undefined) merged[field] = value;
  }
  return merged;
}

function nameTaken(name: string): ConflictError {
  return new ConflictError('name', `name: a tenant named ${JSON.stringify(name)} exists`);
}

export function toTenantResponse(tenant: TenantEntity): TenantResponse {
  return {
    id: tenant.id,
    name: tenant.name,
    quotas: { ...tenant.quotas },
    createdAt: tenant.createdAt.toISOString(),
    updatedAt: tenant.updatedAt.toISOString(),
  };
}
