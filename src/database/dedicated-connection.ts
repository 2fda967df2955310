import pg from 'pg';
import type { AppConfig } from '../config/app-config.js';

/**
 * A connection of its own, outside the TypeORM pool, with the pool's settings: for sessions
 * that must stay open and must not be shared, such as a `LISTEN`. Not connected yet.
 */
export function openDedicatedConnection(
  database: AppConfig['database'],
  applicationName: string,
): pg.Client {
  return new pg.Client({
    host: database.host,
    port: database.port,
    user: database.user,
    password: database.password,
    database: database.name,
    ssl:
      database.sslMode === 'disable'
        ? false
        : { rejectUnauthorized: database.sslMode === 'verify-full' },
    application_name: applicationName,
    // A listener is silent for long stretches; keepalives notice a dead peer (and keep NAT
    // and firewall state alive) where no query would.
    keepAlive: true,
  });
}
