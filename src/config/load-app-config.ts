import ipaddr from 'ipaddr.js';
import {
  AppConfig,
  DbSslMode,
  DEVELOPMENT_ENVIRONMENT,
  LogFormat,
  LogLevel,
} from './app-config.js';
import { EncryptionKey } from './encryption-key.js';
import { QUEUE_BACKENDS } from './app-config.js';
import type { QueueBackend } from './app-config.js';
import { InvalidConfigurationError } from './invalid-configuration.error.js';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The embedded PostgreSQL (`DB_EMBEDDED=true`, the zero-setup mode): loopback only, its own
 * superuser, and a default port next to, not on, a system PostgreSQL's 5432.
 */
export const EMBEDDED_DATABASE_HOST = '127.0.0.1';
export const EMBEDDED_DATABASE_PORT = 54329;
export const EMBEDDED_DATABASE_USER = 'postgres';
/** Variables that name another PostgreSQL: refused together with `DB_EMBEDDED=true`. */
const EMBEDDED_DATABASE_EXCLUDES = [
  'DATABASE_URL',
  'DB_HOST',
  'DB_USER',
  'DB_PASSWORD',
  'DB_SSLMODE',
] as const;

/**
 * Reads and validates every variable, collecting all problems before failing so that an
 * operator fixes a bad deployment in one round trip instead of one variable at a time.
 */
export interface LoadOptions {
  /**
   * Whether a missing `SECRETS_ENCRYPTION_KEY` is a problem (outside development). Tools
   * that never touch a secret (`npm run db:create`) read the rest of the configuration
   * without it. Default true.
   */
  secretsRequired?: boolean;
}

export function loadAppConfig(env: Env, options: LoadOptions = {}): AppConfig {
  const reader = new EnvReader(env);

  const databaseUrl = reader.url('DATABASE_URL', ['postgres:', 'postgresql:']);
  const redisUrl = reader.url('REDIS_URL', ['redis:', 'rediss:']);

  const environment = reader.string('ENVIRONMENT', 'production').toLowerCase();
  const key = reader.encryptionKey('SECRETS_ENCRYPTION_KEY');
  if (
    key === undefined &&
    options.secretsRequired !== false &&
    environment !== DEVELOPMENT_ENVIRONMENT &&
    !reader.has('SECRETS_ENCRYPTION_KEY')
  ) {
    reader.problems.push(
      'SECRETS_ENCRYPTION_KEY is required: the base64 of 32 random bytes (`openssl rand -base64 32`); only ENVIRONMENT=development may leave it unset',
    );
  }
  const poolSize = reader.integer('WORKER_POOL_SIZE', 10, 1, 1000);
  const embedded = reader.boolean('DB_EMBEDDED', false);
  if (embedded) {
    // Explicit, never a silent fallback: a process told where its database is never
    // quietly uses another one, and one told to use the embedded server never connects
    // anywhere else.
    for (const name of EMBEDDED_DATABASE_EXCLUDES) {
      if (reader.has(name)) {
        reader.problems.push(
          `${name} cannot be combined with DB_EMBEDDED=true: the embedded PostgreSQL lives in DATA_DIR/postgres and listens on 127.0.0.1:DB_PORT (default ${EMBEDDED_DATABASE_PORT}); unset one of them`,
        );
      }
    }
  }

  const config: AppConfig = {
    environment,
    dataDir: reader.string('DATA_DIR', './data'),
    secrets: {
      key,
      previousKey: reader.encryptionKey('SECRETS_ENCRYPTION_KEY_PREVIOUS'),
    },
    server: {
      host: reader.string('SERVER_HOST', '0.0.0.0'),
      port: reader.integer('SERVER_PORT', 8080, 0, 65535),
      bodyLimitBytes: reader.integer('SERVER_BODY_LIMIT_BYTES', 256 * 1024, 1024, 16 * 1024 * 1024),
    },
    database: embedded
      ? {
          host: EMBEDDED_DATABASE_HOST,
          port: reader.integer('DB_PORT', EMBEDDED_DATABASE_PORT, 1, 65535),
          user: EMBEDDED_DATABASE_USER,
          // Generated and kept in DATA_DIR; `withEmbeddedDatabase` reads it before connecting.
          password: '',
          name: reader.string('DB_NAME', 'job_scheduler'),
          sslMode: 'disable',
          poolSize: reader.integer('DB_POOL_SIZE', 10, 1, 200),
          migrateOnBoot: reader.boolean('DB_MIGRATE_ON_BOOT', true),
          embedded: true,
        }
      : {
          host: databaseUrl?.hostname || reader.string('DB_HOST', '127.0.0.1'),
          port: databaseUrl?.port
            ? Number(databaseUrl.port)
            : reader.integer('DB_PORT', 5432, 1, 65535),
          user: databaseUrl?.username
            ? decodeURIComponent(databaseUrl.username)
            : reader.string('DB_USER', 'postgres'),
          password: databaseUrl?.password
            ? decodeURIComponent(databaseUrl.password)
            : reader.string('DB_PASSWORD', ''),
          name:
            databaseUrl && databaseUrl.pathname.length > 1
              ? decodeURIComponent(databaseUrl.pathname.slice(1))
              : reader.string('DB_NAME', 'job_scheduler'),
          sslMode: reader.oneOf<DbSslMode>(
            'DB_SSLMODE',
            ['disable', 'require', 'verify-full'],
            sslModeFromUrl(databaseUrl) ?? 'disable',
          ),
          poolSize: reader.integer('DB_POOL_SIZE', 10, 1, 200),
          migrateOnBoot: reader.boolean('DB_MIGRATE_ON_BOOT', true),
          embedded: false,
        },
    backend: chooseBackend(reader),
    redis: {
      host: redisUrl?.hostname || reader.string('REDIS_HOST', '127.0.0.1'),
      port: redisUrl?.port ? Number(redisUrl.port) : reader.integer('REDIS_PORT', 6379, 1, 65535),
      password: redisUrl?.password
        ? decodeURIComponent(redisUrl.password)
        : reader.optionalString('REDIS_PASSWORD'),
      db:
        redisUrl && redisUrl.pathname.length > 1
          ? Number(redisUrl.pathname.slice(1))
          : reader.integer('REDIS_DB', 0, 0, 15),
      keyPrefix: reader.pattern('REDIS_KEY_PREFIX', 'jobsched', /^[A-Za-z0-9:_-]{1,64}$/),
    },
    worker: {
      poolSize,
      httpTimeoutSeconds: reader.integer('WORKER_HTTP_TIMEOUT', 90, 1, 3600),
    },
    destinations: {
      allowPrivateNetworks: reader.boolean('WEBHOOK_ALLOW_PRIVATE_NETWORKS', false),
      allowedCidrs: reader.cidrList('WEBHOOK_ALLOWED_CIDRS'),
      // Default: half the pool (5 of the default 10), so one slow destination can never
      // take more than half of a worker's slots, and the other half keeps serving the rest.
      maxConcurrency: reader.integer(
        'WEBHOOK_MAX_CONCURRENCY_PER_DESTINATION',
        Math.ceil(poolSize / 2),
        1,
        1000,
      ),
      breakerFailureThreshold: reader.integer('WEBHOOK_BREAKER_FAILURES', 5, 1, 1000),
      breakerCooldownMs: reader.integer('WEBHOOK_BREAKER_COOLDOWN_SECONDS', 30, 1, 3600) * 1000,
    },
    scheduler: {
      enabled: reader.boolean('SCHEDULER_ENABLED', true),
      pollIntervalMs: reader.integer('SCHEDULER_POLL_INTERVAL', 250, 10, 60_000),
      batchSize: reader.integer('SCHEDULER_BATCH_SIZE', 1000, 1, 10_000),
      lookaheadMs: reader.integer('SCHEDULER_LOOKAHEAD_MS', 60_000, 1_000, 3_600_000),
      handoffAheadMs: reader.integer('SCHEDULER_HANDOFF_AHEAD_MS', 5_000, 0, 60_000),
      misfireThresholdMs: reader.integer(
        'SCHEDULER_MISFIRE_THRESHOLD_MS',
        15_000,
        1_000,
        3_600_000,
      ),
      lockTtlMs: reader.integer('SCHEDULER_LOCK_TTL_MS', 5_000, 1_000, 60_000),
    },
    execution: {
      leaseMs: reader.integer('WORKER_LEASE_MS', 30_000, 1_000, 600_000),
      shutdownGraceMs: reader.integer('WORKER_SHUTDOWN_GRACE_MS', 30_000, 0, 600_000),
    },
    auth: {
      adminApiKey: reader.secret('ADMIN_API_KEY', 32),
      metricsBearerToken: reader.secret('METRICS_BEARER_TOKEN', 16),
      rateLimit: {
        limit: reader.integer('API_RATE_LIMIT', 6000, 0, 10_000_000),
        windowMs: reader.integer('API_RATE_LIMIT_WINDOW_SECONDS', 60, 1, 86_400) * 1000,
      },
    },
    log: {
      level: reader.oneOf<LogLevel>(
        'LOG_LEVEL',
        ['error', 'warn', 'log', 'debug', 'verbose'],
        'log',
        { info: 'log' },
      ),
      format: reader.oneOf<LogFormat>('LOG_FORMAT', ['json', 'text'], 'text'),
    },
  };

  if (reader.problems.length > 0) throw new InvalidConfigurationError(reader.problems);
  return config;
}

/**
 * `QUEUE_BACKEND` when given; otherwise Redis if the environment names one (`REDIS_HOST` or
 * `REDIS_URL`), else PostgreSQL. Naming a Redis is the signal: the defaults (127.0.0.1:6379)
 * alone never select it, so a machine with only PostgreSQL works without configuration.
 */
function chooseBackend(reader: EnvReader): AppConfig['backend'] {
  const explicit = reader.optionalOneOf<QueueBackend>('QUEUE_BACKEND', QUEUE_BACKENDS);
  if (explicit !== undefined) return { queue: explicit, reason: `QUEUE_BACKEND=${explicit}` };
  const named = ['REDIS_URL', 'REDIS_HOST'].filter((name) => reader.isSet(name));
  if (named.length > 0) {
    return { queue: 'redis', reason: `${named.join(' and ')} set, QUEUE_BACKEND unset` };
  }
  return {
    queue: 'postgres',
    reason: 'neither REDIS_HOST nor REDIS_URL set, QUEUE_BACKEND unset',
  };
}

function sslModeFromUrl(url: URL | undefined): DbSslMode | undefined {
  const mode = url?.searchParams.get('sslmode');
  if (mode === 'disable' || mode === 'require' || mode === 'verify-full') return mode;
  return undefined;
}

/** Reads one variable at a time, recording a problem instead of throwing. */
class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  has(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  /** The value is a key: a problem names the variable and never echoes what it holds. */
  encryptionKey(name: string): EncryptionKey | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const key = EncryptionKey.fromBase64(value);
    if (key === undefined) {
      this.problems.push(
        `${name} must be the base64 of exactly 32 random bytes (\`openssl rand -base64 32\`)`,
      );
    }
    return key;
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  optionalString(name: string): string | undefined {
    return this.raw(name);
  }

  /** Set to something other than blanks (an empty value means unset, as everywhere here). */
  isSet(name: string): boolean {
    return this.raw(name) !== undefined;
  }

  /** A secret of at least `minLength` characters; never echoed in a problem. */
  secret(name: string, minLength: number): string | undefined {
    const value = this.raw(name);
    if (value !== undefined && value.length < minLength) {
      this.problems.push(`${name} must be at least ${minLength} characters`);
      return undefined;
    }
    return value;
  }

  pattern(name: string, fallback: string, pattern: RegExp): string {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!pattern.test(value)) {
      this.problems.push(`${name} must match ${String(pattern)}`);
      return fallback;
    }
    return value;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^-?\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max} (got "${value}")`);
      return fallback;
    }
    return Number(value);
  }

  boolean(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['true', '1', 'yes'].includes(value)) return true;
    if (['false', '0', 'no'].includes(value)) return false;
    this.problems.push(`${name} must be true or false (got "${value}")`);
    return fallback;
  }

  oneOf<T extends string>(
    name: string,
    allowed: readonly T[],
    fallback: T,
    aliases: Readonly<Record<string, T>> = {},
  ): T {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    const resolved = aliases[value] ?? value;
    if ((allowed as readonly string[]).includes(resolved)) return resolved as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
    return fallback;
  }

  /** Like `oneOf`, but undefined when unset (the caller decides the default). */
  optionalOneOf<T extends string>(name: string, allowed: readonly T[]): T | undefined {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return undefined;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
    return undefined;
  }

  /**
   * A comma-separated list of CIDRs, each normalised by ipaddr.js. IPv4 must be four-part
   * decimal: ipaddr.js also reads `10.1/16` and `012.0.0.0/8` (octal), and a range an
   * operator did not mean to open is worse than a refused boot.
   */
  cidrList(name: string): readonly string[] {
    const value = this.raw(name);
    if (value === undefined) return [];
    const cidrs: string[] = [];
    for (const entry of value.split(',').map((part) => part.trim())) {
      if (entry === '') continue;
      const valid = ipaddr.IPv4.isValidCIDRFourPartDecimal(entry) || ipaddr.IPv6.isValidCIDR(entry);
      if (!valid) {
        this.problems.push(
          `${name} must be a comma-separated list of CIDRs such as 10.0.0.0/8 or fd00::/8 (got "${entry}")`,
        );
        continue;
      }
      const [address, prefixLength] = ipaddr.parseCIDR(entry);
      cidrs.push(`${address.toString()}/${prefixLength}`);
    }
    return cidrs;
  }

  url(name: string, protocols: readonly string[]): URL | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    try {
      const url = new URL(value);
      if (protocols.includes(url.protocol)) return url;
      this.problems.push(`${name} must be a ${protocols.join(' or ')} URL`);
    } catch {
      // The value may hold a password: never echo it back.
      this.problems.push(`${name} is not a valid URL`);
    }
    return undefined;
  }
}
