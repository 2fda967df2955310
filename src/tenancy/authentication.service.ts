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

/** Turns an `Authorization` header into a `Principal`, or refuses it with one answer. */
@Injectable()
export class AuthenticationService {
  private readonly adminKeyHash: string | undefined;

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
    const row = await this.keys.findUsableByPrefix(keyPrefix(key));
    const matches = sameHash(hash, row?.keyHash ?? NO_SUCH_KEY_HASH);
    if (row === null || !matches) throw new UnauthorizedError();
    return {
      tenantId: row.tenantId,
      keyId: row.id,
      keyPrefix: row.prefix,
      scopes: new Set(row.scopes.filter(isScope)),
    };
  }
}
