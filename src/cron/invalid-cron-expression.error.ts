import { DomainError } from '../common/domain.error.js';

/**
 * A CRON expression that does not follow the contract in the brief ("CRON semantics"). The
 * message names the request field, the offending part and what was expected, so the API can
 * return it as is: `cronExpression: field "second" value 60 is out of range 0-59`.
 */
export class InvalidCronExpressionError extends DomainError {
  readonly code = 'INVALID_CRON_EXPRESSION';

  constructor(
    /** What is wrong, without the field name. */
    readonly reason: string,
    field = 'cronExpression',
    message = `${field}: ${reason}`,
  ) {
    super(message, field);
  }
}
