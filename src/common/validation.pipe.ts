import { BadRequestException, ValidationPipe } from '@nestjs/common';
import type { ValidationError } from 'class-validator';

/**
 * Unknown and server-owned fields are rejected (not silently dropped), and every message
 * starts with the full path of the field at fault (`retryPolicy.maxAttempts must ...`).
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    // `value` tells a missing field from a wrong one; it is read here, never sent back.
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => new BadRequestException(flatten(errors).join('; ')),
  });
}

/**
 * Constraints that judge the value's type. When one fails, the others (ranges, lengths)
 * judged a value of the wrong type and only contradict it: `"30"` for an integer is "must be
 * an integer number", not also "must not be less than 1" and "must not be greater than 90".
 * In order of preference when several fail (an object field also fails `nestedValidation`).
 */
const TYPE_CONSTRAINTS = [
  'isObject',
  'isArray',
  'isString',
  'isInt',
  'isNumber',
  'isBoolean',
  'nestedValidation',
];

function flatten(errors: readonly ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    return [...fieldMessages(error, path), ...flatten(error.children ?? [], path)];
  });
}

/** What is wrong with one field: one thing, unless it breaks several rules of its type. */
function fieldMessages(error: ValidationError, path: string): string[] {
  const constraints = error.constraints ?? {};
  const failed = Object.keys(constraints);
  if (failed.length === 0) return [];
  // An optional field may be absent; a field whose rules ran on `undefined` is required.
  if (error.value === undefined) return [`${path} is required`];
  const typeCheck = TYPE_CONSTRAINTS.find((name) => name in constraints);
  const messages = typeCheck === undefined ? Object.values(constraints) : [constraints[typeCheck]!];
  return messages.map((message) => naming(message, error.property, path));
}

/**
 * The message with the field named once, by its full path. class-validator's messages start
 * with the property (`timeoutSeconds must ...`, or `property colour should not exist`), ours
 * with the field and a `:` or `.` (`cronExpression: field "second" ...`,
 * `httpHeaders.X-A must be a string`): that name is replaced by the path. Any other message
 * gets the path in front.
 */
function naming(message: string, property: string, path: string): string {
  const text = message.startsWith('property ') ? message.slice('property '.length) : message;
  const after = text.slice(property.length, property.length + 1);
  return text.startsWith(property) && [' ', ':', '.'].includes(after)
    ? `${path}${text.slice(property.length)}`
    : `${path}: ${message}`;
}
