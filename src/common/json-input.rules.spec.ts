import { describe, expect, it } from '@jest/globals';
import {
  findJsonInputProblem,
  joinPath,
  MAX_JSON_NESTING,
  textProblem,
} from './json-input.rules.js';

/** `{"field": [[...[]...]]}` with `levels` nested arrays, parsed from text (no recursion). */
function nestedArrays(field: string, levels: number): unknown {
  return JSON.parse(`{"${field}":${'['.repeat(levels)}${']'.repeat(levels)}}`);
}

describe('findJsonInputProblem', () => {
  it('accepts ordinary input, pairs of surrogates (emoji) and Latin-1 included', () => {
    expect(
      findJsonInputProblem({
        name: 'café 🚀',
        httpBody: { items: [1, -0, 1e308, 'ok', null, true, { 'odd key': 'x' }] },
        'toString ': 'not quite a member of Object.prototype',
      }),
    ).toBeUndefined();
  });

  it(`accepts ${MAX_JSON_NESTING} levels and refuses ${MAX_JSON_NESTING + 1}, naming the field`, () => {
    expect(findJsonInputProblem(nestedArrays('httpBody', MAX_JSON_NESTING))).toBeUndefined();
    expect(findJsonInputProblem(nestedArrays('httpBody', MAX_JSON_NESTING + 1))).toEqual({
      field: 'httpBody',
      message: `httpBody must not nest deeper than ${MAX_JSON_NESTING} levels`,
    });
  });

  it('walks 100,000 levels without overflowing the stack', () => {
    const deep = `{"a":1,"httpBody":${'{"x":'.repeat(100_000)}1${'}'.repeat(100_000)}}`;
    expect(findJsonInputProblem(JSON.parse(deep))?.field).toBe('httpBody');
  });

  it.each<[string, unknown, string, string]>([
    [
      'NUL in a value',
      { name: 'a\u0000b' },
      'name',
      'name must not contain NUL (U+0000, at index 1)',
    ],
    [
      'NUL deep in a body',
      { httpBody: { items: [{ label: 'x\u0000' }] } },
      'httpBody.items[0].label',
      'httpBody.items[0].label must not contain NUL (U+0000, at index 1)',
    ],
    [
      'NUL in a key',
      { httpBody: { 'a\u0000': 1 } },
      'httpBody["a\\u0000"]',
      'httpBody["a\\u0000"]: the key must not contain NUL (U+0000, at index 1)',
    ],
    [
      'a lone high surrogate',
      { description: 'ok\uD800' },
      'description',
      'description must not contain an unpaired surrogate (U+D800, at index 2)',
    ],
    [
      'a lone low surrogate',
      { httpUrl: '\uDC00' },
      'httpUrl',
      'httpUrl must not contain an unpaired surrogate (U+DC00, at index 0)',
    ],
    [
      'a pair in the wrong order',
      { name: '\uDE00\uD83D' },
      'name',
      'name must not contain an unpaired surrogate (U+DE00, at index 0)',
    ],
    [
      'a non-finite number',
      { timeoutSeconds: Number.POSITIVE_INFINITY },
      'timeoutSeconds',
      'timeoutSeconds must be a finite number',
    ],
    [
      'a NUL string as the whole input',
      'a\u0000',
      'body',
      'body must not contain NUL (U+0000, at index 1)',
    ],
  ])('refuses %s', (_case, input, field, message) => {
    expect(findJsonInputProblem(input)).toEqual({ field, message });
  });

  it.each(['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'isPrototypeOf'])(
    'refuses the key %s at the top level and nested',
    (key) => {
      const top = JSON.parse(`{"${key}": 1}`) as unknown;
      const nested = JSON.parse(`{"httpBody": {"a": [{"${key}": {}}]}}`) as unknown;
      expect(findJsonInputProblem(top)?.field).toBe(key);
      expect(findJsonInputProblem(nested)?.field).toBe(`httpBody.a[0].${key}`);
      expect(findJsonInputProblem(nested)?.message).toMatch(/ are refused$/);
    },
  );

  it('names a query parameter by its name', () => {
    expect(findJsonInputProblem({ search: '\u0000' }, 'query')?.message).toBe(
      'search must not contain NUL (U+0000, at index 0)',
    );
  });
});

describe('textProblem', () => {
  it('finds the first unpaired surrogate after well-formed pairs', () => {
    expect(textProblem('🚀🚀\uD800')).toBe(
      'must not contain an unpaired surrogate (U+D800, at index 4)',
    );
    expect(textProblem('🚀')).toBeUndefined();
  });
});

describe('joinPath', () => {
  it('quotes keys that are not plain names and shortens long ones', () => {
    expect(joinPath('', 'name')).toBe('name');
    expect(joinPath('httpHeaders', 'X-Api-Key')).toBe('httpHeaders.X-Api-Key');
    expect(joinPath('', '')).toBe('""');
    expect(joinPath('httpBody', 'a b')).toBe('httpBody["a b"]');
    expect(joinPath('', 'k'.repeat(1000))).toBe(`"${'k'.repeat(64)}…"`);
  });
});
