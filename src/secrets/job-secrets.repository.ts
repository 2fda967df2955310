import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { queryRows } from '../database/query-rows.js';

/** A job row still in plain text: written before encryption at rest. */
export interface PlaintextJobRow {
  id: string;
  httpUrl: string;
  httpHeaders: Record<string, string>;
}

export interface EncryptedJobWrite {
  id: string;
  /** What was read, so that a concurrent change in between is not overwritten. */
  plainUrl: string;
  plainHeaders: Record<string, string>;
  redactedUrl: string;
  redactedHeaders: Record<string, string>;
  targetSealed: string;
  signingSecretSealed: string;
}

/** The sealed columns of one job; `null` where the job has no such value. */
export interface SealedJobSecrets {
  id: string;
  target: string | null;
  signingSecret: string | null;
  previousSigningSecret: string | null;
}

/** Old and new value per sealed column; `null` leaves the column as it is. */
export interface ResealedJobSecrets {
  id: string;
  target: { from: string; to: string } | null;
  signingSecret: { from: string; to: string } | null;
  previousSigningSecret: { from: string; to: string } | null;
}

/**
 * The SQL of the secrets boot step and of key rotation. Every write is a compare-and-set on
 * what was read (graphile-worker style): both run while the API serves, and a job changed in
 * between keeps its change (it was written with the current key anyway).
 */
@Injectable()
export class JobSecretsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async plaintextBatch(afterId: string, limit: number): Promise<PlaintextJobRow[]> {
    const rows = await queryRows<{
      id: string;
      http_url: string;
      http_headers: Record<string, string>;
    }>(
      this.dataSource,
      `SELECT id, http_url, http_headers FROM jobs
       WHERE http_target_sealed IS NULL AND id > $1
       ORDER BY id LIMIT $2`,
      [afterId, limit],
    );
    return rows.map((row) => ({
      id: row.id,
      httpUrl: row.http_url,
      httpHeaders: row.http_headers,
    }));
  }

  /** Returns how many rows were written (the others changed meanwhile). */
  async writeEncrypted(writes: readonly EncryptedJobWrite[]): Promise<number> {
    if (writes.length === 0) return 0;
    const rows = await queryRows<{ id: string }>(
      this.dataSource,
      `UPDATE jobs j
       SET http_url = r.redacted_url, http_headers = r.redacted_headers::jsonb,
           http_target_sealed = r.target,
           signing_secret_sealed = COALESCE(j.signing_secret_sealed, r.signing_secret)
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
         AS r(id, plain_url, plain_headers, redacted_url, redacted_headers, target, signing_secret)
       WHERE j.id = r.id AND j.http_target_sealed IS NULL
         AND j.http_url = r.plain_url AND j.http_headers = r.plain_headers::jsonb
       RETURNING j.id`,
      [
        writes.map((w) => w.id),
        writes.map((w) => w.plainUrl),
        writes.map((w) => JSON.stringify(w.plainHeaders)),
        writes.map((w) => w.redactedUrl),
        writes.map((w) => JSON.stringify(w.redactedHeaders)),
        writes.map((w) => w.targetSealed),
        writes.map((w) => w.signingSecretSealed),
      ],
    );
    return rows.length;
  }

  /**
   * Jobs with at least one value not sealed by `keyId`, in id order after `afterId`.
   * `split_part` reads the key id out of `v1:<key id>:...` without opening anything.
   */
  async notSealedWith(keyId: string, afterId: string, limit: number): Promise<SealedJobSecrets[]> {
    const rows = await queryRows<{
      id: string;
      http_target_sealed: string | null;
      signing_secret_sealed: string | null;
      previous_signing_secret_sealed: string | null;
    }>(
      this.dataSource,
      `SELECT id, http_target_sealed, signing_secret_sealed, previous_signing_secret_sealed
       FROM jobs
       WHERE id > $2
         AND (split_part(http_target_sealed, ':', 2) <> $1
           OR split_part(signing_secret_sealed, ':', 2) <> $1
           OR split_part(previous_signing_secret_sealed, ':', 2) <> $1)
       ORDER BY id LIMIT $3`,
      [keyId, afterId, limit],
    );
    return rows.map((row) => ({
      id: row.id,
      target: row.http_target_sealed,
      signingSecret: row.signing_secret_sealed,
      previousSigningSecret: row.previous_signing_secret_sealed,
    }));
  }

  /** Returns how many columns were rewritten. */
  async writeResealed(writes: readonly ResealedJobSecrets[]): Promise<number> {
    if (writes.length === 0) return 0;
    const rows = await queryRows<{ written: number }>(
      this.dataSource,
      `WITH r AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[],
                              $6::text[], $7::text[])
           AS r(id, target_from, target_to, secret_from, secret_to, previous_from, previous_to)
       ), updated AS (
         UPDATE jobs j
         SET http_target_sealed = CASE WHEN j.http_target_sealed = r.target_from
                                       THEN r.target_to ELSE j.http_target_sealed END,
             signing_secret_sealed = CASE WHEN j.signing_secret_sealed = r.secret_from
                                          THEN r.secret_to ELSE j.signing_secret_sealed END,
             previous_signing_secret_sealed =
               CASE WHEN j.previous_signing_secret_sealed = r.previous_from
                    THEN r.previous_to ELSE j.previous_signing_secret_sealed END
         FROM r
         WHERE j.id = r.id
         RETURNING (j.http_target_sealed IS NOT DISTINCT FROM r.target_to AND r.target_to IS NOT NULL)::int
                 + (j.signing_secret_sealed IS NOT DISTINCT FROM r.secret_to AND r.secret_to IS NOT NULL)::int
                 + (j.previous_signing_secret_sealed IS NOT DISTINCT FROM r.previous_to AND r.previous_to IS NOT NULL)::int
                 AS written
       )
       SELECT COALESCE(sum(written), 0)::int AS written FROM updated`,
      [
        writes.map((w) => w.id),
        writes.map((w) => w.target?.from ?? null),
        writes.map((w) => w.target?.to ?? null),
        writes.map((w) => w.signingSecret?.from ?? null),
        writes.map((w) => w.signingSecret?.to ?? null),
        writes.map((w) => w.previousSigningSecret?.from ?? null),
        writes.map((w) => w.previousSigningSecret?.to ?? null),
      ],
    );
    return rows[0]?.written ?? 0;
  }
}
