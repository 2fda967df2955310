import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { BadRequestException } from '@nestjs/common';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Max,
  Min,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { customValidator } from './custom-validator.js';
import { createValidationPipe } from './validation.pipe.js';

// Our validators' two message shapes: `field: reason` and `field.key reason`.
const IsEven = customValidator('isEven', (value, field) =>
  value === 2 ? undefined : `${field}: ${JSON.stringify(value)} is not even`,
);
const HasNoKeyX = customValidator('hasNoKeyX', (value, field) =>
  typeof value === 'object' && value !== null && 'x' in value
    ? `${field}.x is reserved`
    : undefined,
);

class Policy {
  @IsOptional()
  @IsInt()
  @Min(1)
  attempts?: number;
}

class Body {
  @IsString()
  @IsNotEmpty()
  @MaxLength(5)
  name!: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(90)
  timeoutSeconds?: number;

  @IsOptional()
  @IsEven()
  even?: number;

  @IsOptional()
  @IsObject()
  @HasNoKeyX()
  headers?: Record<string, string>;

  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => Policy)
  policy?: Policy;
}

async function messageFor(body: unknown): Promise<string> {
  try {
    await createValidationPipe().transform(body, { type: 'body', metatype: Body });
  } catch (error) {
    if (error instanceof BadRequestException) {
      return (error.getResponse() as { message: string }).message;
    }
    throw error;
  }
  throw new Error('the body was accepted');
}

describe('validation messages', () => {
  it.each<[string, Record<string, unknown>, string]>([
    [
      'a string for an integer: the type, not its range',
      { timeoutSeconds: '30' },
      'timeoutSeconds must be an integer number',
    ],
    [
      'an integer out of range',
      { timeoutSeconds: 91 },
      'timeoutSeconds must not be greater than 90',
    ],
    ['a missing required field', { name: undefined }, 'name is required'],
    ['a number for a string', { name: 5 }, 'name must be a string'],
    ['an empty string', { name: '' }, 'name should not be empty'],
    ['our `field: reason` message', { even: 3 }, 'even: 3 is not even'],
    ['our `field.key reason` message', { headers: { x: 'a' } }, 'headers.x is reserved'],
    ['a string for an object', { policy: 'often' }, 'policy must be an object'],
    [
      'a nested field, by its path',
      { policy: { attempts: 0 } },
      'policy.attempts must not be less than 1',
    ],
    [
      'an unknown nested field, by its path',
      { policy: { factor: 3 } },
      'policy.factor should not exist',
    ],
    ['an unknown field', { colour: 'red' }, 'colour should not exist'],
  ])('%s', async (_case, change, expected) => {
    expect(await messageFor({ name: 'job', ...change })).toBe(expected);
  });

  it('names each field once, one message per field, joined with "; "', async () => {
    const message = await messageFor({ name: 7, timeoutSeconds: '30', even: 1, colour: 'red' });
    expect(message.split('; ').sort()).toEqual([
      'colour should not exist',
      'even: 1 is not even',
      'name must be a string',
      'timeoutSeconds must be an integer number',
    ]);
  });
});
