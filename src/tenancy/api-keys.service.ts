import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { InvalidRequestError } from '../common/invalid-request.error.js';
import { NotFoundError } from '../common/not-found.error.js';
import type { ApiKeyEntity } from '../database/entities/api-key.entity.js';
import { generateApiKey } from './api-key-secret.js';
import { ApiKeyRepository } from './api-key.repository.js';
import { AuthenticationService } from './authentication.service.js';
import type { CreateApiKeyDto } from './dto/api-key-requests.dto.js';
import type {
  ApiKeyListResponse,
  ApiKeyResponse,
  CreatedApiKeyResponse,
} from './dto/tenancy-responses.dto.js';
import { MissingScopeError } from './missing-scope.error.js';
import { hasScope } from './principal.js';
import type { Principal } from './principal.js';
import { isScope } from './scopes.js';
import { TenantRepository } from './tenant.repository.js';

/**
 * A tenant's API keys. The `admin` scope manages any tenant's keys; `keys:manage` manages
 * the caller's own tenant's keys and can grant only scopes it holds itself, never `admin`.
 * Another tenant is a 404, as everywhere.
 */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly keys: ApiKeyRepository,
    private readonly tenants: TenantRepository,
    private readonly authentication: AuthenticationService,
    private readonly clock: Clock,
  ) {}

  async create(
    caller: Principal,
    tenantId: string,
    input: CreateApiKeyDto,
  ): Promise<CreatedApiKeyResponse> {
    await this.authorize(caller, tenantId);
    for (const scope of input.scopes) {
      const grantable = scope === 'admin' ? caller.scopes.has('admin') : hasScope(caller, scope);
      if (!grantable) throw new MissingScopeError(scope);
    }
    const expiresAt = input.expiresAt === undefined ? null : new Date(input.expiresAt);
    if (expiresAt !== null && expiresAt.getTime() <= this.clock.now().getTime()) {
      throw new InvalidRequestError('expiresAt', 'expiresAt must be in the future');
    }
    const generated = generateApiKey();
    const saved = await this.keys.insert({
      tenantId,
      name: input.name ?? null,
      prefix: generated.prefix,
      keyHash: generated.hash,
      scopes: input.scopes,
      expiresAt,
    });
    return { ...toApiKeyResponse(saved), key: generated.key };
  }

  async list(caller: Principal, tenantId: string): Promise<ApiKeyListResponse> {
    await this.authorize(caller, tenantId);
    const keys = await this.keys.listForTenant(tenantId);
    return { items: keys.map(toApiKeyResponse) };
  }

  async revoke(caller: Principal, tenantId: string, keyId: string): Promise<void> {
    await this.authorize(caller, tenantId);
    if (!(await this.keys.revoke(tenantId, keyId))) throw new NotFoundError('API key', keyId);
    this.authentication.forget({ keyId });
  }

  private async authorize(caller: Principal, tenantId: string): Promise<void> {
    const own = caller.tenantId === tenantId && hasScope(caller, 'keys:manage');
    const visible = caller.scopes.has('admin') || own;
    if (!visible || (await this.tenants.findLive(tenantId)) === null) {
      throw new NotFoundError('Tenant', tenantId);
    }
  }
}

function toApiKeyResponse(key: ApiKeyEntity): ApiKeyResponse {
  return {
    id: key.id,
    tenantId: key.tenantId,
    name: key.name,
    prefix: key.prefix,
    scopes: key.scopes.filter(isScope),
    expiresAt: key.expiresAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
    createdAt: key.createdAt.toISOString(),
  };
}
