import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { InvalidConfigurationError } from './invalid-configuration.error.js';

/**
 * A secret a development process keeps in a file of its own (mode 0600, in `DATA_DIR`),
 * generated on first use: the development encryption key and the development admin API key.
 * Never the database: a dump must not carry the key to its own ciphertexts or its access.
 *
 * Two processes (`npm run start:local` starts two) may both find no file. Each writes a
 * complete file of its own, then hard-links it into place: `link` fails if the name exists,
 * so exactly one wins and the other reads the winner's secret, never a half-written one.
 */
export async function readOrCreateSecretFile<T>(
  path: string,
  what: string,
  generate: () => string,
  parse: (text: string) => T | undefined,
  /** What a valid file holds, for the error about one that does not. */
  expectation: string,
): Promise<{ value: T; created: boolean }> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const existing = await readSecretFile(path, what, parse, expectation);
  if (existing !== undefined) return { value: existing, created: false };

  const candidate = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(candidate, `${generate()}\n`, { mode: 0o600, flag: 'wx' });
  let created = false;
  try {
    await link(candidate, path);
    created = true;
  } catch (error) {
    if (!isErrorCode(error, 'EEXIST')) throw error;
  } finally {
    await unlink(candidate);
  }
  const value = await readSecretFile(path, what, parse, expectation);
  if (value === undefined) throw new Error(`${path} vanished while it was being created`);
  return { value, created };
}

async function readSecretFile<T>(
  path: string,
  what: string,
  parse: (text: string) => T | undefined,
  expectation: string,
): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) return undefined;
    throw error;
  }
  // Like ssh with a private key: a secret others can read is no secret.
  if (((await stat(path)).mode & 0o077) !== 0) {
    throw new InvalidConfigurationError([
      `${path} (${what}) must be readable by its owner only: chmod 600 it`,
    ]);
  }
  const value = parse(text.trim());
  if (value === undefined) {
    throw new InvalidConfigurationError([`${path} (${what}) must hold ${expectation}`]);
  }
  return value;
}

/** Structural, not `instanceof Error`: under Jest's VM modules node's errors are another realm's. */
function isErrorCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code;
}
