import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { load } from 'js-yaml';
import newman from 'newman';
import type { NewmanRunOptions, NewmanRunSummary } from 'newman';
import { EngineCluster } from '../support/engine-cluster.js';
import { TEST_ADMIN_API_KEY } from '../support/test-app.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';

interface CollectionRequest {
  name: string;
  request: { method: string; url: { path: string[] } };
}
interface Collection {
  item: Array<{ name: string; item: CollectionRequest[] }>;
}
type Spec = { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };

const docs = (file: string) => readFile(new URL(`../../docs/${file}`, import.meta.url), 'utf8');

function runCollection(options: NewmanRunOptions): Promise<NewmanRunSummary> {
  return new Promise((resolve, reject) =>
    newman.run(options, (error, summary) => (error ? reject(error) : resolve(summary))),
  );
}

/** The status the spec promises for a request of the collection: its operation's first 2xx. */
function promisedStatus(spec: Spec, { request }: CollectionRequest): number {
  const path = `/${request.url.path.map((s) => s.replace(/^:(.+)$/, '{$1}')).join('/')}`;
  const responses = spec.paths[path]?.[request.method.toLowerCase()]?.responses ?? {};
  return Number(Object.keys(responses).find((code) => /^2\d\d$/.test(code)));
}

/**
 * docs/postman-collection.json as a user runs it: top to bottom with newman, `baseUrl`,
 * `apiKey` and `webhookUrl` set in an environment, against the real API + scheduler and a
 * worker. Every request must answer what the spec promises, which only works if each one
 * finds the ids the requests before it stored.
 */
describe('the Postman collection, run against the live services', () => {
  const receiver = new WebhookReceiver().on('/fails', () => ({ status: 400 }));
  let cluster: EngineCluster;
  let baseUrl: string;

  beforeAll(async () => {
    await receiver.start();
    cluster = await EngineCluster.create();
    const api = await cluster.startScheduler('api');
    baseUrl = `http://127.0.0.1:${api.port}`;
    await cluster.startWorker('worker');
  });

  afterAll(async () => {
    await cluster?.close();
    await receiver.stop();
  });

  it('answers every request with the status the spec promises, in order', async () => {
    // A dead letter for the replay request: a 400 is final for an AT_LEAST_ONCE job.
    const failingJob = await cluster.createJob({
      name: 'fails',
      cronExpression: '0 0 0 1 1 *',
      httpUrl: receiver.url('/fails'),
    });
    const failed = (await cluster.api('POST', `/api/v1/jobs/${failingJob}/trigger`)).body
      .executionId as string;
    await cluster.waitForRows<{ status: string }>(
      'SELECT status FROM executions WHERE id = $1',
      [failed],
      (rows) => rows[0]?.status === 'FAILED',
    );

    const collection = JSON.parse(await docs('postman-collection.json')) as Collection;
    const spec = load(await docs('api-spec.yaml')) as Spec;
    const webhookUrl = receiver.url('/hooks/postman');
    const summary = await runCollection({
      collection: JSON.parse(await docs('postman-collection.json')) as object,
      envVar: [
        { key: 'baseUrl', value: baseUrl },
        { key: 'apiKey', value: TEST_ADMIN_API_KEY },
        { key: 'webhookUrl', value: webhookUrl },
      ],
      reporters: [],
    });

    const requests = collection.item.flatMap((folder) => folder.item);
    expect(summary.run.executions.map((run) => [run.item.name, run.response?.code])).toEqual(
      requests.map((request) => [request.name, promisedStatus(spec, request)]),
    );
    expect(summary.run.failures.map((failure) => failure.error.message)).toEqual([]);

    // The PATCH changed the description only: the URL is the one the job was created with.
    const created = summary.run.executions.find((run) => run.item.name === 'Create a job');
    const { id: jobId } = created!.response.json() as { id: string };
    const job = await cluster.api('GET', `/api/v1/jobs/${jobId}`);
    expect(job.body).toMatchObject({
      httpUrl: webhookUrl,
      description: 'changed from Postman',
      isActive: false,
    });
    // The replay was the dead letter above, sent again.
    await receiver.waitFor(() => receiver.forPath('/fails').length === 2, 15_000, 'the replay');
    expect(receiver.forPath('/fails').map((request) => request.executionId)).toEqual([
      failed,
      failed,
    ]);
  });
});
