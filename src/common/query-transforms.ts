/**
 * Query strings arrive as text; only exact spellings become numbers and booleans, so
 * `?limit=1e3` or `?isActive=yes` reach validation as the strings they are (and get a 400).
 */
export const toInteger = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;

export const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;
