import { BadRequestException, ValidationPipe } from '@nestjs/common';
import type { ArgumentMetadata } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { InvalidRequestError } from './invalid-request.error.js';
import { findJsonInputProblem, joinPath } from './json-input.rules.js';

/**
 * Unknown and server-owned fields are rejected (not silently dropped), and every message
 * starts with the full path of the field at fault (`retryPolicy.maxAttempts must ...`).
 *
 * Before the framework transforms anything, bodies and query strings meet the input rules of
 * `json-input.rules.ts`. JSON bodies met them in the parser already; this covers query strings
 * and form-encoded bodies, whose NUL (`%00`) would otherwise reach PostgreSQL, and whose
 * `__proto__` or `constructor` keys Nest would strip silently.
 */
class RequestValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' || metadata.type === 'query') {
      // `@Body('name')` and `@Query('name')` receive one member, named by `data`.
      const whole = metadata.data === undefined;
      if (whole && metadata.type === 'body' && value !== undefined && !isJsonObject(value)) {
        // Nest would turn `null` into `{}` (a PATCH that changes nothing) and report an array
        // as fields named 0, 1, ...
        throw new InvalidRequestError('body', 'body must be a JSON object');
      }
      const input = whole ? value : Object.fromEntries([[metadata.data, value]]);
      const problem = findJsonInputProblem(input, metadata.type);
      if (problem !== undefined) throw new InvalidRequestError(problem.field, problem.message);
    }
    return super.transform(value, metadata) as Promise<unknown>;
  }
}

export function createValidationPipe(): ValidationPipe {
  return new RequestValidationPipe({
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

function isJsonObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
    const path = joinPath(parent, error.property);
    return [...fieldMessages(error, path), ...flatten(error.children ?? [], path)];
  });
}

/** What is wrong with one field: one thing, unless it breaks several rules of its type. */
function fieldMessages(error: ValidationError, path: string): string[] {
  const constraints = error.constraints ?? {};
  if (Object.keys(constraints).length === 0) return [];
  if ('whitelistValidation' in constraints) return [`${path} should not exist`];
  // An optional field may be absent; a field whose rules ran on `undefined` is required.
  if (error.value === undefined) return [`${path} is required`];
  const typeCheck = TYPE_CONSTRAINTS.find((name) => name in constraints);
  const messages = typeCheck === undefined ? Object.values(constraints) : [constraints[typeCheck]!];
  return messages.map((message) => naming(message, error.property, path));
}

/**
 * The message with the field named once, by its full path. class-validator's messages start
 * with the property (`timeoutSeconds must ...`), ours with the field and a `:`, `.` or `[`
 * (`cronExpression: field "second" ...`, `httpHeaders.X-A must be a string`): that name is
 * replaced by the path. Any other message gets the path in front.
 */
function naming(message: string, property: string, path: string): string {
  const text = message.startsWith('property ') ? message.slice('property '.length) : message;
  const after = text.slice(property.length, property.length + 1);
  return text.startsWith(property) && [' ', ':', '.', '['].includes(after)
    ? `${path}${text.slice(property.length)}`
    : `${path}: ${message}`;
}
