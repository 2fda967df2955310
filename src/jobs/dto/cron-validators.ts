import { customValidator } from '../../common/custom-validator.js';
import {
  InvalidCronExpressionError,
  isValidTimeZone,
  parseCronExpression,
} from '../../cron/cron-expression.js';

/** The parse error's own message says what is wrong and what was expected. */
function cronProblem(value: unknown, field: string): string | undefined {
  if (typeof value !== 'string') return `${field} must be a string`;
  try {
    parseCronExpression(value, 'UTC', field);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidCronExpressionError) return error.message;
    throw error;
  }
}

function timeZoneProblem(value: unknown, field: string): string | undefined {
  if (typeof value === 'string' && isValidTimeZone(value)) return undefined;
  return `${field} must be an IANA time zone such as "UTC" or "Europe/Paris" (got ${JSON.stringify(value)})`;
}

export const IsCronExpression = customValidator('isCronExpression', cronProblem);
export const IsIanaTimeZone = customValidator('isIanaTimeZone', timeZoneProblem);
