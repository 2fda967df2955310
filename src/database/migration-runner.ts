import type { DataSource, Migration } from 'typeorm';

/**
 * Any constant shared by every process of the service. Migrations, and the boot steps that
 * finish what a migration cannot do in SQL alone (encrypting rows needs the key), run under
 * this session-level advisory lock, so processes that boot together apply them one at a
 * time; the later ones find nothing pending.
 */
const MIGRATION_LOCK_KEY = 72_741_300_101;

export async function withMigrationLock<T>(
  dataSource: DataSource,
  work: () => Promise<T>,
): Promise<T> {
  const lockHolder = dataSource.createQueryRunner();
  await lockHolder.connect();
  try {
    await lockHolder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      return await work();
    } finally {
      await lockHolder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await lockHolder.release();
  }
}

export async function runMigrationsExclusively(dataSource: DataSource): Promise<Migration[]> {
  return withMigrationLock(dataSource, () => dataSource.runMigrations({ transaction: 'each' }));
}
