import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp } from '../support/test-app.js';
import type { TestApp } from '../support/test-app.js';

describe('next fire times', () => {
  let api: TestApp;
  beforeAll(async () => {
    api = await startTestApp();
  });
  afterAll(async () => {
    await api.close();
  });

  it("lists a job's next runs in its time zone, as UTC instants", async () => {
    const job = await api.request('POST', '/api/v1/jobs', {
      name: 'ny',
      cronExpression: '0 30 2 * * *',
      timezone: 'America/New_York',
      httpUrl: 'http://127.0.0.1:9/',
    });
    const response = await api.request(
      'GET',
      `/api/v1/jobs/${job.body.id}/schedule?count=4&from=2026-03-06T12:00:00Z`,
    );
    expect(response.status).toBe(200);
    // 2026-03-08 is the spring-forward day: 02:30 does not exist and fires at 03:30 EDT.
    expect(response.body).toEqual({
      cronExpression: '0 30 2 * * *',
      timezone: 'America/New_York',
      nextRuns: [
        '2026-03-07T07:30:00.000Z',
        '2026-03-08T07:30:00.000Z',
        '2026-03-09T06:30:00.000Z',
        '2026-03-10T06:30:00.000Z',
      ],
    });
  });

  it('defaults to 10 runs from now and allows up to 1000', async () => {
    const job = await api.request('POST', '/api/v1/jobs', {
      name: 'every-second',
      cronExpression: '* * * * * *',
      httpUrl: 'http://127.0.0.1:9/',
    });
    const ten = await api.request('GET', `/api/v1/jobs/${job.body.id}/schedule`);
    expect(ten.body.nextRuns).toHaveLength(10);
    expect(Date.parse(ten.body.nextRuns[0])).toBeGreaterThan(Date.now() - 1000);
    const thousand = await api.request('GET', `/api/v1/jobs/${job.body.id}/schedule?count=1000`);
    expect(thousand.body.nextRuns).toHaveLength(1000);
    const times = thousand.body.nextRuns.map((run: string) => Date.parse(run));
    expect(times.every((t: number, i: number) => i === 0 || t - times[i - 1] === 1000)).toBe(true);
  });

  it('validates an expression without storing anything', async () => {
    const response = await api.request(
      'GET',
      `/api/v1/cron/next?expression=${encodeURIComponent('0 0 9 * * MON-FRI')}&timezone=Asia/Tokyo&from=2026-01-02T00:00:00Z&count=3`,
    );
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      cronExpression: '0 0 9 * * MON-FRI',
      timezone: 'Asia/Tokyo',
      nextRuns: [
        '2026-01-05T00:00:00.000Z',
        '2026-01-06T00:00:00.000Z',
        '2026-01-07T00:00:00.000Z',
      ],
    });
    expect(response.body.description).toEqual(expect.stringMatching(/09:00 AM|9:00/));
    expect((await api.request('GET', '/api/v1/jobs')).body.total).toBe(2);
  });

  it('accepts macros and five fields in cron/next', async () => {
    const daily = await api.request(
      'GET',
      '/api/v1/cron/next?expression=@daily&from=2026-01-01T10:00:00Z&count=1',
    );
    expect(daily.body.nextRuns).toEqual(['2026-01-02T00:00:00.000Z']);
    const five = await api.request(
      'GET',
      `/api/v1/cron/next?expression=${encodeURIComponent('15 10 * * *')}&from=2026-01-01T00:00:00Z&count=1`,
    );
    expect(five.body.nextRuns).toEqual(['2026-01-01T10:15:00.000Z']);
  });

  it('explains why an expression is invalid', async () => {
    const cases: Array<[string, RegExp]> = [
      ['expression=60%20*%20*%20*%20*%20*', /expression.*60/],
      ['expression=*%20*%20*%20*%20*%20*%20*', /expression.*6 fields/],
      ['expression=0%200%200%20*%20*%20FOO', /expression.*FOO/i],
      ['expression=', /expression/],
      ['', /expression/],
      ['expression=*%20*%20*%20*%20*&timezone=Nowhere/Land', /timezone/],
      ['expression=*%20*%20*%20*%20*&count=1001', /count/],
    ];
    for (const [query, message] of cases) {
      const response = await api.request('GET', `/api/v1/cron/next?${query}`);
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
      expect(response.body.message).toMatch(message);
    }
  });
});
