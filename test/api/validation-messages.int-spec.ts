import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

const valid = { name: 'job', cronExpression: '0 * * * * *', httpUrl: 'http://127.0.0.1:9/hook' };

/** The two messages a newcomer met (issue 9): each names its field once and says one thing. */
describe('a 400 names each field once and says one thing about it', () => {
  let api: TestApp;

  beforeAll(async () => {
    api = await startTestApp();
  });
  afterAll(async () => {
    await api.close();
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'an out-of-range CRON field',
      { cronExpression: '60 * * * * *' },
      'cronExpression: field "second" value 60 is out of range 0-59',
    ],
    [
      'a string for an integer',
      { timeoutSeconds: '30' },
      'timeoutSeconds must be an integer number',
    ],
    ['a string for an object', { retryPolicy: 'often' }, 'retryPolicy must be an object'],
  ])('%s', async (_case, change, message) => {
    const created = await api.request('POST', '/api/v1/jobs', { ...valid, ...change });
    expect(created.body).toEqual({ statusCode: 400, error: 'Bad Request', message });
  });
});
