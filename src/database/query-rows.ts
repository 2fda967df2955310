/** Anything that runs SQL: a DataSource, an EntityManager or a QueryRunner. */
export interface SqlExecutor {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * Rows returned by a statement. TypeORM's PostgreSQL driver answers UPDATE and DELETE
 * (including `WITH ... UPDATE`) with `[rows, affectedCount]` but SELECT and INSERT with the
 * rows alone; this evens that out so `RETURNING` reads the same everywhere.
 */
export async function queryRows<T>(
  executor: SqlExecutor,
  sql: string,
  parameters: unknown[] = [],
): Promise<T[]> {
  const result = await executor.query(sql, parameters);
  if (
    Array.isArray(result) &&
    result.length === 2 &&
    Array.isArray(result[0]) &&
    typeof result[1] === 'number'
  ) {
    return result[0] as T[];
  }
  return result as T[];
}
