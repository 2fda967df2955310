import { describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { load } from 'js-yaml';
import { renderOpenApiYaml } from '../../src/openapi/openapi-document.js';

const committed = (path: string) =>
  readFile(new URL(`../../docs/${path}`, import.meta.url), 'utf8');

describe('docs/api-spec.yaml', () => {
  it('is exactly what the code generates (run `npm run docs:spec` after changing the API)', async () => {
    expect(await committed('api-spec.yaml')).toBe(await renderOpenApiYaml());
  });

  it('documents every endpoint of the brief', async () => {
    const spec = load(await committed('api-spec.yaml')) as { paths: Record<string, object> };
    const operations = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations).toEqual(
      expect.arrayContaining([
        'GET /health',
        'POST /api/v1/jobs',
        'GET /api/v1/jobs',
        'GET /api/v1/jobs/{id}',
        'PATCH /api/v1/jobs/{id}',
        'DELETE /api/v1/jobs/{id}',
        'GET /api/v1/jobs/{id}/schedule',
        'GET /api/v1/jobs/{id}/history',
        'GET /api/v1/cron/next',
        'POST /api/v1/jobs/{id}/signing-secret/rotate',
      ]),
    );
  });

  it('declares signingSecret on the create and rotate responses only', async () => {
    const spec = load(await committed('api-spec.yaml')) as {
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    };
    const withSecret = Object.entries(spec.components.schemas)
      .filter(([, schema]) => schema.properties && 'signingSecret' in schema.properties)
      .map(([name]) => name)
      .sort();
    expect(withSecret).toEqual(['JobCreatedResponse', 'SigningSecretResponse']);
  });

  it("lists every operation in the README's API table, and nothing else", async () => {
    const spec = load(await committed('api-spec.yaml')) as { paths: Record<string, object> };
    const operations = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const overview = readme.slice(readme.indexOf('## API overview'));
    const rows = [...overview.matchAll(/^\| (GET|POST|PATCH|PUT|DELETE) +\| `([^`?]+)[^`]*` /gm)];
    expect(rows.map(([, method, path]) => `${method} ${path}`).sort()).toEqual(operations.sort());
  });

  it('has a Postman collection with one request per operation of the spec', async () => {
    const spec = load(await committed('api-spec.yaml')) as { paths: Record<string, object> };
    const operationCount = Object.values(spec.paths).reduce(
      (sum, methods) => sum + Object.keys(methods).length,
      0,
    );
    const collection = JSON.parse(await committed('postman-collection.json')) as {
      item: Array<{ item: unknown[] }>;
    };
    const requests = collection.item.reduce((sum, folder) => sum + folder.item.length, 0);
    expect(requests).toBe(operationCount);
  });

  it('declares the bearer scheme on every /api/v1 operation, and the collection sends it', async () => {
    const spec = load(await committed('api-spec.yaml')) as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
      components: { securitySchemes?: Record<string, { type: string; scheme: string }> };
    };
    expect(spec.components.securitySchemes?.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    for (const [path, methods] of Object.entries(spec.paths)) {
      for (const operation of Object.values(methods)) {
        expect([path, Boolean(operation.security?.length)]).toEqual([
          path,
          path.startsWith('/api/v1'),
        ]);
      }
    }
    const collection = JSON.parse(await committed('postman-collection.json')) as {
      auth: { type: string; bearer: Array<{ value: string }> };
      variable: Array<{ key: string }>;
      item: Array<{ item: Array<{ request: { url: { raw: string }; auth?: { type: string } } }> }>;
    };
    expect(collection.auth).toMatchObject({ type: 'bearer', bearer: [{ value: '{{apiKey}}' }] });
    expect(collection.variable.map((v) => v.key)).toContain('apiKey');
    for (const { request } of collection.item.flatMap((folder) => folder.item)) {
      const open = request.auth?.type === 'noauth';
      expect([request.url.raw, open]).toEqual([
        request.url.raw,
        !request.url.raw.includes('/api/v1'),
      ]);
    }
  });
});
