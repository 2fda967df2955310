import type { Scope } from './scopes.js';

/**
 * The tenant a repository call is made for. Every repository method that reads or writes
 * tenant-owned rows takes one, so an endpoint cannot forget the filter: it would not compile.
 */
export interface TenantScope {
  readonly tenantId: string;
}

/** Who is calling: resolved from the `Authorization` header by `ApiKeyGuard`. */
export interface Principal extends TenantScope {
  /** The key's id, or `null` for the bootstrap `ADMIN_API_KEY`. */
  readonly keyId: string | null;
  /** Names the key in logs and the audit trail; never enough to use it. */
  readonly keyPrefix: string;
  readonly scopes: ReadonlySet<Scope>;
}

export function hasScope(principal: Principal, scope: Scope): boolean {
  return principal.scopes.has('admin') || principal.scopes.has(scope);
}
