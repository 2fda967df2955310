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
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new BadRequestException(flatten(errors).join('; ')),
  });
}

function isJsonObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One message per failed constraint, each starting with the field's full path. Messages that
 * already start with the field's own name (class-validator's "name must be ...", or ours,
 * "cronExpression: field ...", "httpHeaders.X-A must ...") get the full path in its place
 * rather than a second copy.
 */
function flatten(errors: readonly ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = joinPath(parent, error.property);
    const own = Object.entries(error.constraints ?? {}).map(([constraint, message]) => {
      if (constraint === 'whitelistValidation') return `${path} should not exist`;
      const namesItself = [' ', ':', '.', '['].some((next) =>
        message.startsWith(`${error.property}${next}`),
      );
      return namesItself ? `${path}${message.slice(error.property.length)}` : `${path}: ${message}`;
    });
    return [...own, ...flatten(error.children ?? [], path)];
  });
}
