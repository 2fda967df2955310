import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import type { ArgumentMetadata } from '@nestjs/common';
import { IsInt, IsString, Max } from 'class-validator';
import { InvalidRequestError } from './invalid-request.error.js';
import { createValidationPipe } from './validation.pipe.js';

class ExampleDto {
  @IsString()
  label!: string;

  @IsInt()
  @Max(10)
  count!: number;
}

const wholeBody: ArgumentMetadata = { type: 'body', metatype: ExampleDto };

async function messageOf(value: unknown, metadata: ArgumentMetadata): Promise<string> {
  try {
    await createValidationPipe().transform(value, metadata);
  } catch (error) {
    if (error instanceof InvalidRequestError) return error.message;
    const response = (error as { getResponse?: () => unknown }).getResponse?.();
    return (response as { message: string }).message;
  }
  throw new Error('no validation error');
}

describe('createValidationPipe', () => {
  it('names each field once, at the start of its message', async () => {
    expect(await messageOf({ label: 1, count: 11, 'odd key': 1 }, wholeBody)).toBe(
      '"odd key" should not exist; label must be a string; count must not be greater than 10',
    );
  });

  it('refuses a whole body that is not an object, and lets a missing one through to validation', async () => {
    expect(await messageOf(null, wholeBody)).toBe('body must be a JSON object');
    expect(await messageOf([1], wholeBody)).toBe('body must be a JSON object');
    expect(await messageOf(undefined, wholeBody)).toBe('label is required; count is required');
  });

  it('names a single extracted member by its own name', async () => {
    const member: ArgumentMetadata = { type: 'body', metatype: Object, data: 'note' };
    expect(await messageOf('a\u0000', member)).toBe(
      'note must not contain NUL (U+0000, at index 1)',
    );
    expect(await messageOf({ inner: '\uD800' }, member)).toMatch(/^note\.inner must not contain/);
    const query: ArgumentMetadata = { type: 'query', metatype: String, data: 'search' };
    expect(await messageOf('%\u0000', query)).toMatch(/^search must not contain NUL/);
  });
});
