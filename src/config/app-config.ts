import type { EncryptionKey } from './encryption-key.js';

/**
 * The typed configuration tree. `loadAppConfig` is the only code in the service that reads
 * environment variables; everything else receives an `AppConfig` through injection.
 */
export type LogFormat = 'json' | 'text';
export type LogLevel = 'error' | 'warn' | 'log' | 'debug' | 'verbose';
export type DbSslMode = 'disable' | 'require' | 'verify-full';
/** Where the queue, the leader lease and the shared counters live (docs/architecture.md). */
export type QueueBackend = 'redis' | 'postgres';
export const QUEUE_BACKENDS: readonly QueueBackend[] = ['redis', 'postgres'];

/** The one `ENVIRONMENT` value that may run without `SECRETS_ENCRYPTION_KEY` (a generated key). */
export const DEVELOPMENT_ENVIRONMENT = 'development';

export abstract class AppConfig {
  /** `ENVIRONMENT`, lower case; `production` unless set. */
  abstract readonly environment: string;
  /** Where the process may keep files of its own (the development encryption key). */
  abstract readonly dataDir: string;
  abstract readonly secrets: {
    /**
     * Encrypts every secret written from now on. `undefined` only with
     * `ENVIRONMENT=development` before `withDevelopmentKey` has filled it in.
     */
    readonly key: EncryptionKey | undefined;
    /** Still decrypts values written before a key rotation (`npm run secrets:rotate`). */
    readonly previousKey: EncryptionKey | undefined;
  };
  abstract readonly server: {
    readonly host: string;
    readonly port: number;
    /** Requests with a larger body are answered 413 before they reach a handler. */
    readonly bodyLimitBytes: number;
  };
  abstract readonly database: {
    readonly host: string;
    readonly port: number;
    readonly user: string;
    readonly password: string;
    readonly name: string;
    readonly sslMode: DbSslMode;
    readonly poolSize: number;
    /** Run pending migrations at boot (under an advisory lock). */
    readonly migrateOnBoot: boolean;
    /**
     * `DB_EMBEDDED=true`: the embedded PostgreSQL kept in `DATA_DIR/postgres` (zero-setup mode,
     * `npm run dev`), on 127.0.0.1; its password is generated into `DATA_DIR`.
     */
    readonly embedded: boolean;
  };
  abstract readonly backend: {
    readonly queue: QueueBackend;
    /** Why this backend, for the start-up log: the variable that decided it. */
    readonly reason: string;
  };
  /** Read whatever the backend; only the `redis` backend connects to it. */
  abstract readonly redis: {
    readonly host: string;
    readonly port: number;
    readonly password: string | undefined;
    readonly db: number;
    /** Every key this service writes starts with this prefix. */
    readonly keyPrefix: string;
  };
  abstract readonly worker: {
    readonly poolSize: number;
    /** Upper bound for a job's `timeoutSeconds`, and the default HTTP timeout. */
    readonly httpTimeoutSeconds: number;
  };
  /**
   * Webhook destinations: which are allowed besides public unicast (docs/security.md), and
   * per-destination protection (a destination is a URL origin: scheme, host and port).
   */
  abstract readonly destinations: {
    /** Lets loopback, RFC 1918, carrier-grade NAT and unique local addresses through. */
    readonly allowPrivateNetworks: boolean;
    /** Ranges allowed while the guard stays on, normalised (`10.0.0.0/8`, `fd00::/8`). */
    readonly allowedCidrs: readonly string[];
    /** Concurrent requests per destination per worker; more wait for a permit. */
    readonly maxConcurrency: number;
    /** Consecutive connection failures or 5xx from one destination that open its breaker. */
    readonly breakerFailureThreshold: number;
    /** How long an open breaker delays attempts before it lets one probe through. */
    readonly breakerCooldownMs: number;
  };
  abstract readonly scheduler: {
    /** This process competes for leadership (false: an API-only replica). */
    readonly enabled: boolean;
    readonly pollIntervalMs: number;
    readonly batchSize: number;
    /** Occurrences are materialised this far ahead of the database's now. */
    readonly lookaheadMs: number;
    /** Executions due within this window are handed to the queue (which holds them until due). */
    readonly handoffAheadMs: number;
    /** An occurrence later than this when the scheduler reaches it is a misfire. */
    readonly misfireThresholdMs: number;
    /** Leader lock time-to-live; a dead leader is replaced within about this long. */
    readonly lockTtlMs: number;
  };
  abstract readonly execution: {
    /** A worker's lease on an execution; extended every third of it while the request runs. */
    readonly leaseMs: number;
    /** How long a stopping worker waits for in-flight requests before releasing them. */
    readonly shutdownGraceMs: number;
  };
  abstract readonly auth: {
    /** The bootstrap key: `default` tenant, every scope. At least 32 characters. */
    readonly adminApiKey: string | undefined;
    /** When set, `/metrics` answers only `Authorization: Bearer <token>`. */
    readonly metricsBearerToken: string | undefined;
    /** Requests per API key per window, across all API replicas; 0 turns it off. */
    readonly rateLimit: { readonly limit: number; readonly windowMs: number };
  };
  abstract readonly log: {
    readonly level: LogLevel;
    readonly format: LogFormat;
  };
}
