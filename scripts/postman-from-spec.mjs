// `npm run docs:postman`: docs/api-spec.yaml -> docs/postman-collection.json (Postman v2.1).
// One request per operation, `{{baseUrl}}` as the server, in the order of a walk through the
// API that a collection run follows top to bottom: create a job, read it, change it, see its
// schedule, trigger it, look at the execution, ..., and delete what the run created last.
// Requests that create something store its id in a collection variable (a test script) for
// the requests after them; every request checks its status. A test runs the collection with
// newman against a live instance (test/api/postman-collection.int-spec.ts).
// Operations the spec marks with the bearer scheme send `Authorization: Bearer {{apiKey}}`
// (the collection's auth); the open ones (health, metrics, queue stats) send none.
import { readFile, writeFile } from 'node:fs/promises';
import { load } from 'js-yaml';

const specUrl = new URL('../docs/api-spec.yaml', import.meta.url);
const outUrl = new URL('../docs/postman-collection.json', import.meta.url);
const spec = load(await readFile(specUrl, 'utf8'));

/** Folders in run order, each with its operations in run order. */
const WALK = [
  ['operations', ['GET /health', 'GET /queue/stats', 'GET /metrics']],
  ['cron', ['GET /api/v1/cron/next']],
  [
    'jobs',
    [
      'POST /api/v1/jobs',
      'GET /api/v1/jobs',
      'GET /api/v1/jobs/{id}',
      'PATCH /api/v1/jobs/{id}',
      'GET /api/v1/jobs/{id}/schedule',
      'POST /api/v1/jobs/{id}/signing-secret/rotate',
      'GET /api/v1/jobs/{id}/audit',
    ],
  ],
  [
    'executions',
    [
      'POST /api/v1/jobs/{id}/trigger',
      'GET /api/v1/executions/{id}',
      'GET /api/v1/jobs/{id}/history',
      'GET /api/v1/dlq',
      'POST /api/v1/executions/{id}/replay',
    ],
  ],
  [
    'tenants',
    [
      'POST /api/v1/tenants',
      'GET /api/v1/tenants',
      'GET /api/v1/tenants/{id}',
      'PATCH /api/v1/tenants/{id}',
    ],
  ],
  [
    'api-keys',
    ['POST /api/v1/tenants/{tenantId}/api-keys', 'GET /api/v1/tenants/{tenantId}/api-keys'],
  ],
  [
    'clean up (run last)',
    [
      'DELETE /api/v1/tenants/{tenantId}/api-keys/{keyId}',
      'DELETE /api/v1/tenants/{id}',
      'DELETE /api/v1/jobs/{id}',
    ],
  ],
];

const set = (variable, expression) => `pm.collectionVariables.set('${variable}', ${expression});`;

/**
 * What a request sends beyond what the spec says, and what it keeps. Bodies are minimal and
 * valid: a PATCH sends only what it changes (a PATCH with the whole create body would
 * overwrite the job's URL and revive a deleted job). Names that must be unique are random.
 */
const CUSTOM = {
  'GET /api/v1/cron/next': {
    query: { expression: '0 0 9 * * MON-FRI', timezone: 'Europe/Paris', count: '5' },
  },
  'POST /api/v1/jobs': {
    body: {
      name: 'postman-example',
      description: 'created from Postman',
      cronExpression: '0 */5 * * * *',
      timezone: 'Europe/Paris',
      httpUrl: '{{webhookUrl}}',
      httpBody: { hello: 'from Postman' },
    },
    keep: [set('jobId', 'pm.response.json().id')],
  },
  'PATCH /api/v1/jobs/{id}': { body: { description: 'changed from Postman' } },
  'POST /api/v1/jobs/{id}/signing-secret/rotate': { body: { graceSeconds: 3600 } },
  'POST /api/v1/jobs/{id}/trigger': {
    keep: [set('executionId', 'pm.response.json().executionId')],
  },
  'GET /api/v1/dlq': {
    keep: [
      '// The newest dead letter, for the replay request below (none: it is skipped).',
      'const [failed] = pm.response.json().items;',
      "if (failed) pm.collectionVariables.set('failedExecutionId', failed.id);",
      "else pm.collectionVariables.unset('failedExecutionId');",
    ],
  },
  'POST /api/v1/executions/{id}/replay': {
    variables: { id: 'failedExecutionId' },
    note: 'Replays the newest dead letter, found by the dead-letter request; skipped when there is none (only FAILED executions can be replayed).',
    prerequest: [
      "if (!pm.collectionVariables.get('failedExecutionId')) pm.execution.skipRequest();",
    ],
  },
  'POST /api/v1/tenants': {
    body: { name: 'postman-{{$randomUUID}}' },
    keep: [set('tenantId', 'pm.response.json().id')],
  },
  'PATCH /api/v1/tenants/{id}': { body: { quotas: { maxJobs: 100 } } },
  'POST /api/v1/tenants/{tenantId}/api-keys': {
    body: { name: 'from-postman', scopes: ['jobs:read', 'executions:read'] },
    keep: [set('keyId', 'pm.response.json().id')],
  },
};

function resolve(schema) {
  if (schema && schema.$ref) {
    const name = schema.$ref.split('/').pop();
    return resolve(spec.components.schemas[name]);
  }
  return schema;
}

/** A query parameter's example: examples, defaults, then types. */
function example(schema) {
  schema = resolve(schema);
  if (!schema) return '';
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.enum) return schema.enum[0];
  if (schema.type === 'integer' || schema.type === 'number') return schema.minimum ?? 1;
  if (schema.type === 'boolean') return true;
  return '';
}

/** `{id}` after `/jobs` is `{{jobId}}`, after `/tenants` `{{tenantId}}`; others keep their name. */
function pathVariable(path, name) {
  if (name !== 'id') return name;
  const collection = path.split('/{id}')[0].split('/').pop();
  return `${collection.replace(/s$/, '')}Id`;
}

function expectedStatus(operation) {
  const status = Object.keys(operation.responses ?? {}).find((code) => /^2\d\d$/.test(code));
  if (!status) throw new Error(`${operation.summary}: no 2xx response in the spec`);
  return Number(status);
}

function toRequest(key, path, method, operation) {
  const custom = CUSTOM[key] ?? {};
  const status = expectedStatus(operation);
  const query = (operation.parameters ?? [])
    .filter((parameter) => parameter.in === 'query')
    .map((parameter) => {
      const value = custom.query?.[parameter.name];
      return {
        key: parameter.name,
        value: String(value ?? example(parameter.schema)),
        disabled: value === undefined && !parameter.required,
        description: parameter.description,
      };
    });
  const variables = (operation.parameters ?? [])
    .filter((parameter) => parameter.in === 'path')
    .map((parameter) => ({
      key: parameter.name,
      value: `{{${custom.variables?.[parameter.name] ?? pathVariable(path, parameter.name)}}}`,
    }));
  const hasBody = Boolean(operation.requestBody?.content?.['application/json']);
  if (hasBody && !custom.body) throw new Error(`${key}: give it an example body in CUSTOM`);
  const description = [operation.description ?? operation.summary, custom.note]
    .filter(Boolean)
    .join('\n\n');
  const event = [
    ...(custom.prerequest
      ? [{ listen: 'prerequest', script: { type: 'text/javascript', exec: custom.prerequest } }]
      : []),
    {
      listen: 'test',
      script: {
        type: 'text/javascript',
        exec: [
          `pm.test('answers ${status}', () => pm.response.to.have.status(${status}));`,
          ...(custom.keep ?? []),
        ],
      },
    },
  ];
  return {
    name: operation.summary ?? key,
    event,
    request: {
      method: method.toUpperCase(),
      header: hasBody ? [{ key: 'Content-Type', value: 'application/json' }] : [],
      url: {
        raw: `{{baseUrl}}${path.replace(/\{(.+?)\}/g, ':$1')}`,
        host: ['{{baseUrl}}'],
        path: path
          .replace(/^\//, '')
          .split('/')
          .map((segment) => segment.replace(/^\{(.+)\}$/, ':$1')),
        ...(query.length ? { query } : {}),
        ...(variables.length ? { variable: variables } : {}),
      },
      description,
      ...(operation.security?.length ? {} : { auth: { type: 'noauth' } }),
      ...(hasBody ? { body: { mode: 'raw', raw: JSON.stringify(custom.body, null, 2) } } : {}),
    },
  };
}

const operations = new Map();
for (const [path, methods] of Object.entries(spec.paths)) {
  for (const [method, operation] of Object.entries(methods)) {
    operations.set(`${method.toUpperCase()} ${path}`, { path, method, operation });
  }
}

const folders = WALK.map(([name, keys]) => ({
  name,
  keys: keys.filter((key) => {
    if (operations.has(key)) return true;
    throw new Error(`${key} is in the walk but not in the spec: update WALK`);
  }),
}));
// An operation added to the API after this walk was written still gets its request, in a
// folder for its tag before the clean-up; the newman test says whether it runs as placed.
const placed = new Set(folders.flatMap((folder) => folder.keys));
for (const [key, { operation }] of operations) {
  if (placed.has(key)) continue;
  process.stderr.write(`postman: ${key} is not in the walk; placed by its tag\n`);
  const tag = operation.tags?.[0] ?? 'default';
  let folder = folders.find((candidate) => candidate.name === `more ${tag}`);
  if (!folder) {
    folder = { name: `more ${tag}`, keys: [] };
    folders.splice(folders.length - 1, 0, folder);
  }
  folder.keys.push(key);
}

const collection = {
  info: {
    name: spec.info.title,
    description: [
      spec.info.description,
      'Set `baseUrl` and `apiKey` (the ADMIN_API_KEY, or a `jsk_...` key with every scope the requests need; see docs/security.md), then run the collection top to bottom: each request that creates something stores its id for the next ones, and the clean-up folder deletes what the run created.',
      '`webhookUrl` is the URL the example job calls: by default the receiver of the README\'s "Try it" on 127.0.0.1:9000, which the SSRF guard allows only with `WEBHOOK_ALLOW_PRIVATE_NETWORKS=true`.',
    ].join('\n\n'),
    schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
  },
  auth: { type: 'bearer', bearer: [{ key: 'token', value: '{{apiKey}}', type: 'string' }] },
  variable: [
    { key: 'baseUrl', value: 'http://localhost:8080' },
    // An API key (`jsk_...`) or the ADMIN_API_KEY; see docs/security.md.
    { key: 'apiKey', value: '' },
    { key: 'webhookUrl', value: 'http://127.0.0.1:9000/hooks/postman' },
    // Set by the requests' test scripts during a run.
    { key: 'jobId', value: '' },
    { key: 'executionId', value: '' },
    { key: 'failedExecutionId', value: '' },
    { key: 'tenantId', value: '' },
    { key: 'keyId', value: '' },
  ],
  item: folders.map(({ name, keys }) => ({
    name,
    item: keys.map((key) => {
      const { path, method, operation } = operations.get(key);
      return toRequest(key, path, method, operation);
    }),
  })),
};
await writeFile(outUrl, `${JSON.stringify(collection, null, 2)}\n`);
process.stdout.write(`wrote ${outUrl.pathname}\n`);
