import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidConfigurationError } from '../config/invalid-configuration.error.js';
import { loadAppConfig } from '../config/load-app-config.js';
import { DEVELOPMENT_KEY_FILE, withDevelopmentKey } from './development-key.js';

describe('withDevelopmentKey', () => {
  let dataDir: string;
  const warnings: string[] = [];
  const warn = (message: string) => warnings.push(message);

  beforeEach(async () => {
    dataDir = join(await mkdtemp(join(tmpdir(), 'jobsched-key-')), 'data');
    warnings.length = 0;
  });
  afterEach(async () => {
    await rm(join(dataDir, '..'), { recursive: true, force: true });
  });

  const development = () => loadAppConfig({ ENVIRONMENT: 'development', DATA_DIR: dataDir });

  it('generates a key in DATA_DIR, readable by its owner only, and warns naming the file', async () => {
    const config = await withDevelopmentKey(development(), warn);
    const file = join(dataDir, DEVELOPMENT_KEY_FILE);
    const stored = (await readFile(file, 'utf8')).trim();
    expect(config.secrets.key?.bytes()).toEqual(Buffer.from(stored, 'base64'));
    expect(config.secrets.key?.bytes()).toHaveLength(32);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(file);
    expect(warnings[0]).toContain('SECRETS_ENCRYPTION_KEY is not set');
    expect(warnings[0]).not.toContain(stored);
  });

  it('reuses the kept key on the next start', async () => {
    const first = await withDevelopmentKey(development(), warn);
    const second = await withDevelopmentKey(development(), warn);
    expect(second.secrets.key?.bytes()).toEqual(first.secrets.key?.bytes());
    expect(warnings[1]).toContain('kept in');
  });

  it('gives processes that start together the same key', async () => {
    const configs = await Promise.all(
      Array.from({ length: 8 }, () => withDevelopmentKey(development(), warn)),
    );
    const keys = new Set(configs.map((config) => config.secrets.key?.bytes().toString('hex')));
    expect(keys.size).toBe(1);
    expect(warnings.filter((w) => w.includes('just generated'))).toHaveLength(1);
  });

  it('refuses a key file others can read, or one that holds no key', async () => {
    await withDevelopmentKey(development(), warn);
    const file = join(dataDir, DEVELOPMENT_KEY_FILE);
    await chmod(file, 0o644);
    await expect(withDevelopmentKey(development(), warn)).rejects.toThrow(
      InvalidConfigurationError,
    );
    await writeFile(file, 'not a key\n', { mode: 0o600 });
    await chmod(file, 0o600);
    await expect(withDevelopmentKey(development(), warn)).rejects.toThrow(/exactly 32 bytes/);
  });

  it('leaves a configured key alone and never touches files outside development', async () => {
    const key = Buffer.alloc(32, 3).toString('base64');
    const configured = loadAppConfig({ SECRETS_ENCRYPTION_KEY: key, DATA_DIR: dataDir });
    expect(await withDevelopmentKey(configured, warn)).toBe(configured);
    const developmentWithKey = loadAppConfig({
      ENVIRONMENT: 'development',
      SECRETS_ENCRYPTION_KEY: key,
      DATA_DIR: dataDir,
    });
    expect(await withDevelopmentKey(developmentWithKey, warn)).toBe(developmentWithKey);
    await expect(stat(dataDir)).rejects.toThrow(/ENOENT/);
    expect(warnings).toEqual([]);
  });
});
