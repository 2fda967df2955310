import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { InvalidRequestError } from '../common/invalid-request.error.js';
import { SecretCipher } from '../secrets/secret-cipher.js';
import type { TenantScope } from '../tenancy/principal.js';
import { IdempotencyKeyReusedError } from './idempotency-key-reused.error.js';
import { IdempotencyRepository } from './idempotency.repository.js';

/** Keys are kept 24 hours, like Stripe's: long enough for any client's retry loop. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** Raised inside the transaction when a concurrent request holds the key; never escapes. */
class KeyTaken extends Error {}

/**
 * Runs a request at most once per `Idempotency-Key` (per tenant and operation): the first
 * request's response is stored in the same transaction as its effect, and a repeat with the
 * same request gets that response back instead of a second effect. A repeat with a different
 * request is a 422. Without a key the work simply runs in a transaction.
 */
@Injectable()
export class IdempotentRequests {
  constructor(
    private readonly dataSource: DataSource,
    private readonly keys: IdempotencyRepository,
    private readonly cipher: SecretCipher,
  ) {}

  async run<T>(
    scope: TenantScope,
    operation: string,
    key: string | undefined,
    request: unknown,
    work: (manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    if (key === undefined) return this.dataSource.transaction(work);
    if (!KEY_PATTERN.test(key)) {
      throw new InvalidRequestError(
        'Idempotency-Key',
        'Idempotency-Key must be 1-255 printable ASCII characters',
      );
    }
    const requestHash = hashRequest(request);
    // Sealed like every secret: a create response carries the job's signing secret. The
    // context binds a stored response to its tenant, operation and key.
    const context = `idempotency:${scope.tenantId}:${operation}:${key}`;
    const replay = (stored: { requestHash: string; body: string }): T => {
      if (stored.requestHash !== requestHash) throw new IdempotencyKeyReusedError();
      return JSON.parse(this.cipher.open(stored.body, context)) as T;
    };
    const stored = await this.keys.find(scope, operation, key);
    if (stored !== null) return replay(stored);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const claimed = await this.keys.claim(
          manager,
          scope,
          operation,
          key,
          requestHash,
          IDEMPOTENCY_TTL_SECONDS,
        );
        if (!claimed) throw new KeyTaken();
        const result = await work(manager);
        const sealed = this.cipher.seal(JSON.stringify(result), context);
        await this.keys.complete(manager, scope, operation, key, 200, sealed);
        return result;
      });
    } catch (error) {
      if (!(error instanceof KeyTaken)) throw error;
      // A concurrent request with this key committed first: answer what it answered.
      const winner = await this.keys.find(scope, operation, key);
      if (winner === null) {
        throw new Error(`idempotency key of ${operation} vanished`, { cause: error });
      }
      return replay(winner);
    }
  }
}

/** SHA-256 of the request as canonical JSON (object keys sorted), so key order is irrelevant. */
export function hashRequest(request: unknown): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, item]) => `${JSON.stringify(k)}:${canonicalJson(item)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
