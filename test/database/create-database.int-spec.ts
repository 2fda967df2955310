import { afterAll, describe, expect, it } from '@jest/globals';
import { adminDatabaseConfig, withAdminClient } from '../support/postgres-admin.js';
import { freePort, startServiceProcess } from '../support/service-process.js';
import { dropDatabase, uniqueName } from '../support/test-database.js';

/** `npm run db:create` reads the configuration by the service's rules (`loadAppConfig`). */
describe('npm run db:create', () => {
  const admin = adminDatabaseConfig();
  const server = {
    DB_HOST: admin.host,
    DB_PORT: String(admin.port),
    DB_USER: admin.user,
    DB_PASSWORD: admin.password,
  };
  const created: string[] = [];

  afterAll(async () => {
    for (const name of created) await dropDatabase(name);
  });

  async function run(env: Record<string, string>) {
    const script = startServiceProcess('scripts/create-database.mjs', env);
    const { code } = await script.exited;
    return { code, output: script.output() };
  }

  const exists = (name: string) =>
    withAdminClient(async (client) => {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
        name,
      ]);
      return rowCount === 1;
    });

  it('creates the configured database when it is missing, and leaves it when it exists', async () => {
    const name = uniqueName('jobsched_t_dbcreate');
    created.push(name);
    const first = await run({ ...server, DB_NAME: name });
    expect(first).toEqual({
      code: 0,
      output: expect.stringContaining(`created database ${name}\n`),
    });
    expect(await exists(name)).toBe(true);
    const second = await run({ ...server, DB_NAME: name });
    expect(second).toEqual({
      code: 0,
      output: expect.stringContaining(`database ${name} exists\n`),
    });
  });

  it('takes the name from DB_NAME when DATABASE_URL names no database', async () => {
    const name = uniqueName('jobsched_t_dbcreate');
    created.push(name);
    const url = new URL('postgres://host');
    url.hostname = admin.host;
    url.port = String(admin.port);
    url.username = admin.user;
    url.password = admin.password;
    const result = await run({ DATABASE_URL: url.href, DB_NAME: name });
    expect(result).toEqual({
      code: 0,
      output: expect.stringContaining(`created database ${name}\n`),
    });
  });

  it('reads an empty DB_NAME as unset: the default database, job_scheduler', async () => {
    // A port nothing listens on: the script says what it would create, then cannot connect,
    // so this test never creates the machine's own job_scheduler database.
    const closedPort = String(await freePort());
    const result = await run({ ...server, DB_PORT: closedPort, DB_NAME: '' });
    expect(result.output).toContain(`database job_scheduler on ${admin.host}:${closedPort}`);
    expect(result.output).toContain(`cannot connect to PostgreSQL at ${admin.host}:${closedPort}`);
    expect(result.code).toBe(1);
  });

  it('refuses an invalid configuration as the service does, naming the variable', async () => {
    const result = await run({ ...server, DB_PORT: 'five' });
    expect(result.code).toBe(78);
    expect(result.output).toContain('DB_PORT');
  });
});
