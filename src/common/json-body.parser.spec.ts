import { describe, expect, it } from '@jest/globals';
import { InvalidRequestError } from './invalid-request.error.js';
import { parseJsonBody } from './json-body.parser.js';

function problemOf(text: string): { field: string | undefined; message: string } {
  try {
    parseJsonBody(Buffer.from(text));
  } catch (error) {
    if (error instanceof InvalidRequestError) return { field: error.field, message: error.message };
    throw error;
  }
  throw new Error(`parsed without a problem: ${text.slice(0, 40)}`);
}

describe('parseJsonBody', () => {
  it('parses a document, and reads an empty body as no body', () => {
    expect(parseJsonBody(Buffer.from('{"name":"café","n":[1,2]}'))).toEqual({
      name: 'café',
      n: [1, 2],
    });
    expect(parseJsonBody(Buffer.from(''))).toBeUndefined();
    expect(parseJsonBody(Buffer.from(' \n'))).toBeUndefined();
  });

  it('refuses a body 100,000 levels deep by the field it is in, for any route', () => {
    const deep = `{"anything":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    expect(problemOf(deep)).toEqual({
      field: 'anything',
      message: 'anything must not nest deeper than 32 levels',
    });
  });

  it('names the key of a __proto__ member, where Fastify said "Body is not valid JSON"', () => {
    expect(problemOf('{"retryPolicy":{"__proto__":{"maxAttempts":1}}}').field).toBe(
      'retryPolicy.__proto__',
    );
  });

  it('says a body that is not JSON is not JSON', () => {
    expect(problemOf('{"name": ')).toMatchObject({ field: 'body' });
    expect(problemOf('{"name": ').message).toMatch(/^body is not valid JSON: /);
  });
});
