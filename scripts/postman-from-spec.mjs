// `npm run docs:postman`: docs/api-spec.yaml -> docs/postman-collection.json (Postman v2.1).
// One folder per OpenAPI tag, one request per operation, `{{baseUrl}}` as the server.
// Operations the spec marks with the bearer scheme send `Authorization: Bearer {{apiKey}}`
// (the collection's auth); the open ones (health, metrics, queue stats) send none.
import { readFile, writeFile } from 'node:fs/promises';
import { load } from 'js-yaml';

const specUrl = new URL('../docs/api-spec.yaml', import.meta.url);
const outUrl = new URL('../docs/postman-collection.json', import.meta.url);
const spec = load(await readFile(specUrl, 'utf8'));

function resolve(schema) {
  if (schema && schema.$ref) {
    const name = schema.$ref.split('/').pop();
    return resolve(spec.components.schemas[name]);
  }
  return schema;
}

/** A plausible example body built from the schema: examples, defaults, then types. */
function example(schema, depth = 0) {
  schema = resolve(schema);
  if (!schema || depth > 4) return undefined;
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum[0];
  if (schema.oneOf) return example(schema.oneOf[0], depth + 1);
  switch (schema.type) {
    case 'object': {
      const out = {};
      for (const [key, value] of Object.entries(schema.properties ?? {})) {
        const required = (schema.required ?? []).includes(key);
        if (required || depth === 0) out[key] = example(value, depth + 1);
      }
      return out;
    }
    case 'array':
      return [example(schema.items, depth + 1)].filter((item) => item !== undefined);
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    case 'string':
      return schema.format === 'uuid' ? '{{jobId}}' : 'string';
    default:
      return undefined;
  }
}

const folders = new Map();
for (const [path, methods] of Object.entries(spec.paths)) {
  for (const [method, operation] of Object.entries(methods)) {
    const tag = operation.tags?.[0] ?? 'default';
    const segments = path
      .replace(/^\//, '')
      .split('/')
      .map((s) => s.replace(/^\{(.+)\}$/, ':$1'));
    const query = (operation.parameters ?? [])
      .filter((parameter) => parameter.in === 'query')
      .map((parameter) => ({
        key: parameter.name,
        value: String(example(parameter.schema) ?? ''),
        disabled: !parameter.required,
        description: parameter.description,
      }));
    const variables = (operation.parameters ?? [])
      .filter((parameter) => parameter.in === 'path')
      .map((parameter) => ({ key: parameter.name, value: '{{jobId}}' }));
    const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
    const request = {
      method: method.toUpperCase(),
      header: bodySchema ? [{ key: 'Content-Type', value: 'application/json' }] : [],
      url: {
        raw: `{{baseUrl}}${path.replace(/\{(.+?)\}/g, ':$1')}`,
        host: ['{{baseUrl}}'],
        path: segments,
        ...(query.length ? { query } : {}),
        ...(variables.length ? { variable: variables } : {}),
      },
      description: operation.description ?? operation.summary,
      ...(operation.security?.length ? {} : { auth: { type: 'noauth' } }),
      ...(bodySchema
        ? { body: { mode: 'raw', raw: JSON.stringify(example(bodySchema), null, 2) } }
        : {}),
    };
    if (!folders.has(tag)) folders.set(tag, []);
    folders
      .get(tag)
      .push({ name: operation.summary ?? `${method.toUpperCase()} ${path}`, request });
  }
}

const collection = {
  info: {
    name: spec.info.title,
    description: spec.info.description,
    schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
  },
  auth: { type: 'bearer', bearer: [{ key: 'token', value: '{{apiKey}}', type: 'string' }] },
  variable: [
    { key: 'baseUrl', value: 'http://localhost:8080' },
    // An API key (`jsk_...`) or the ADMIN_API_KEY; see docs/security.md.
    { key: 'apiKey', value: '' },
    { key: 'jobId', value: '' },
  ],
  item: [...folders].map(([name, item]) => ({ name, item })),
};
await writeFile(outUrl, `${JSON.stringify(collection, null, 2)}\n`);
process.stdout.write(`wrote ${outUrl.pathname}\n`);
