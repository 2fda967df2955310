import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { DEFAULT_TENANT_ID } from '../database/entities/tenant.entity.js';
import { hashApiKey, isWellFormedApiKey, keyPrefix, sameHash } from './api-key-secret.js';
import { ApiKeyRepository } from './api-key.repository.js';
import type { Principal } from './principal.js';
import { isScope, SCOPES } from './scopes.js';
import { UnauthorizedError } from './unauthorized.error.js';

/** Compared against when no key matches, so an unknown prefix costs what a wrong key costs. */
const NO_SUCH_KEY_HASH = '0'.repeat(64);
const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/;

/** What the audit trail and logs call the bootstrap key (it has no row and no prefix). */
export const ADMIN_KEY_LABEL = 'ADMIN_API_KEY';

/**
 * How long a key found in PostgreSQL is trusted without asking again. Measured: the lookup
 * was one of two PostgreSQL round trips of `GET /api/v1/jobs/{id}` and, with the per-key
 * rate-limit round trip to Redis, took it from 3,249 to 1,162 req/s on 2 cores
 * (docs/benchmarks.md). A revocation (or a tenant deletion) made through this process takes
 * effect here at once; other API replicas honour it within this long.
 */
export const KEY_CACHE_TTL_MS = 5_000;
/** Distinct keys remembered at once; the oldest goes first. */
const KEY_CACHE_SIZE = 10_000;

interface CachedKey {
  principal: Principal;
  /** When the key itself expires (epoch ms), if ever. */
  expiresAt: number | null;
  /** Until when the entry may be used without asking PostgreSQL again. */
  freshUntil: number;
}

/** Turns an `Authorization` header into a `Principal`, or refuses it with one answer. */
@Injectable()
export class AuthenticationService {
  private readonly adminKeyHash: string | undefined;
  /** Usable keys by the hash of the key; refusals are never cached. */
  private readonly cache = new Map<string, CachedKey>();

  constructor(
    private readonly keys: ApiKeyRepository,
    config: AppConfig,
  ) {
    const adminKey = config.auth.adminApiKey;
    this.adminKeyHash = adminKey === undefined ? undefined : hashApiKey(adminKey);
  }

  async authenticate(authorization: string | undefined): Promise<Principal> {
    const key = authorization === undefined ? undefined : BEARER.exec(authorization)?.[1];
    if (key === undefined) throw new UnauthorizedError();
    const hash = hashApiKey(key);
    // Checked first and in constant time whatever the key looks like.
    if (this.adminKeyHash !== undefined && sameHash(hash, this.adminKeyHash)) {
      return {
        tenantId: DEFAULT_TENANT_ID,
        keyId: null,
        keyPrefix: ADMIN_KEY_LABEL,
        scopes: new Set(SCOPES),
      };
    }
    if (!isWellFormedApiKey(key)) throw new UnauthorizedError();
    const now = Date.now();
    const cached = this.cache.get(hash);
    if (cached !== undefined && cached.freshUntil > now) {
      if (cached.expiresAt === null || cached.expiresAt > now) return cached.principal;
      this.cache.delete(hash);
      throw new UnauthorizedError();
    }
    const row = await this.keys.findUsableByPrefix(keyPrefix(key));
    const matches = sameHash(hash, row?.keyHash ?? NO_SUCH_KEY_HASH);
    if (row === null || !matches) {
      this.cache.delete(hash);
      throw new UnauthorizedError();
    }
    const principal: Principal = {
      tenantId: row.tenantId,
      keyId: row.id,
      keyPrefix: row.prefix,
      scopes: new Set(row.scopes.filter(isScope)),
    };
    this.remember(hash, {
      principal,
      expiresAt: row.expiresAt?.getTime() ?? null,
      freshUntil: now + KEY_CACHE_TTL_MS,
    });
    return principal;
  }

  /** A key was revoked, or its tenant deleted: this process stops trusting it at once. */
  forget(match: { keyId?: string; tenantId?: string }): void {
    for (const [hash, entry] of this.cache) {
      const { keyId, tenantId } = entry.principal;
      if (keyId === match.keyId || tenantId === match.tenantId) this.cache.delete(hash);
    }
  }

  private remember(hash: string, entry: CachedKey): void {
    this.cache.delete(hash);
    if (this.cache.size >= KEY_CACHE_SIZE) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(hash, entry);
  }
}
