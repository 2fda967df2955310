import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

/**
 * The TypeScript migration classes, for data sources created inside Jest (the service itself
 * loads the compiled `dist/migrations/*.js`).
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export async function loadMigrationClasses(): Promise<Function[]> {
  const files = (await readdir(MIGRATIONS_DIR)).filter((file) => /^\d+-.+\.ts$/.test(file)).sort();
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  const classes: Function[] = [];
  for (const file of files) {
    const module = (await import(`${MIGRATIONS_DIR}${file}`)) as Record<string, unknown>;
    for (const exported of Object.values(module)) {
      if (typeof exported === 'function') classes.push(exported);
    }
  }
  return classes;
}
