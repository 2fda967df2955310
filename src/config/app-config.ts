/**
 * The typed configuration tree. `loadAppConfig` is the only code in the service that reads
 * environment variables; everything else receives an `AppConfig` through injection.
 */
export type LogFormat = 'json' | 'text';
export type LogLevel = 'error' | 'warn' | 'log' | 'debug' | 'verbose';
export type DbSslMode = 'disable' | 'require' | 'verify-full';

export abstract class AppConfig {
  abstract readonly environment: string;
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
  };
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
  abstract readonly scheduler: {
    readonly pollIntervalMs: number;
    readonly batchSize: number;
  };
  abstract readonly log: {
    readonly level: LogLevel;
    readonly format: LogFormat;
  };
}
