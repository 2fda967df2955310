/** PostgreSQL's SQLSTATE for a unique-constraint violation. */
const UNIQUE_VIOLATION = '23505';

/**
 * A statement refused by a unique constraint (TypeORM wraps the driver's error and keeps its
 * `code`). Structural, not `instanceof`: under Jest's VM modules errors come from another realm.
 */
export function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    error.code === UNIQUE_VIOLATION
  );
}
