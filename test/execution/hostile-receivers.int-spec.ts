import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { errorSummary } from '../../src/execution/delivery-policy.js';
import {
  RESPONSE_BODY_CAP_BYTES,
  RESPONSE_EXCERPT_BYTES,
  WebhookClient,
} from '../../src/execution/webhook-client.js';
import { buildWebhookRequest } from '../../src/execution/webhook-request.js';
import type { WebhookRequest } from '../../src/execution/webhook-request.js';
import { HostileReceiver, peakRssBytes, resetPeakRss } from '../support/hostile-receiver.js';
import { DestinationPolicy } from '../../src/outbound/destination-policy.js';
import { expectKind } from '../support/webhook-outcomes.js';

const MiB = 1024 * 1024;
const FIFTY_MB = 50 * MiB;

function webhook(url: string): WebhookRequest {
  return buildWebhookRequest({
    jobId: '5f0c6a52-8f0e-4a39-9a57-1b9d3c6f2e10',
    executionId: '0b7e3c1d-2f4a-4e8b-a6c9-7d5e1f3a9b20',
    scheduledAt: new Date(Date.UTC(2025, 2, 9, 7, 30, 0, 250)),
    attempt: 1,
    method: 'POST',
    url,
    headers: {},
    body: { ping: true },
    version: '0.1.0',
  });
}

/*
 * Each case ends within the test's timeout (60 s, against attempt timeouts of at most 2 s):
 * "bounded time" means the attempt finishes, not that it takes a given number of ms.
 */
describe('hostile receivers are bounded', () => {
  let receiver: HostileReceiver;
  let client: WebhookClient;

  beforeEach(async () => {
    receiver = await HostileReceiver.start();
    client = new WebhookClient({
      connectionsPerOrigin: 16,
      // The hostile receivers listen on 127.0.0.1, which the SSRF guard refuses by default.
      destinations: new DestinationPolicy({ allowPrivateNetworks: true, allowedCidrs: [] }),
    });
  });

  afterEach(async () => {
    await receiver.stop();
    await client.close();
  });

  describe('size', () => {
    it.each([
      ['with a Content-Length', true],
      ['chunked', false],
    ])(
      'a 200 with a 50 MB body %s is cut at the 64 KiB cap and stays a success',
      async (_case, contentLength) => {
        receiver.on('/huge', { kind: 'huge', status: 200, bytes: FIFTY_MB, contentLength });
        const outcome = await client.send(webhook(receiver.url('/huge')), { timeoutMs: 10_000 });

        const response = expectKind(outcome, 'response');
        expect(response).toMatchObject({ status: 200, bodyTruncated: true });
        expect(response.bodyExcerpt).toBe('x'.repeat(RESPONSE_EXCERPT_BYTES));
        // The client dropped the connection: the receiver never got to write the body.
        const [closed] = await receiver.closedCount('/huge', 1);
        expect(closed?.completed).toBe(false);
        expect(closed?.bodyBytesWritten).toBeLessThan(FIFTY_MB);
      },
    );

    it('a 503 with a 50 MB body is cut too, and the record says so', async () => {
      receiver.on('/huge-error', {
        kind: 'huge',
        status: 503,
        bytes: FIFTY_MB,
        contentLength: true,
      });
      const outcome = await client.send(webhook(receiver.url('/huge-error')), {
        timeoutMs: 10_000,
      });

      expect(expectKind(outcome, 'response')).toMatchObject({ status: 503, bodyTruncated: true });
      expect(errorSummary(outcome)).toBe(`HTTP 503 (body cut at ${RESPONSE_BODY_CAP_BYTES} bytes)`);
    });

    it('a body of exactly 64 KiB is read to its end; one byte more is cut', async () => {
      receiver
        .on('/at-cap', {
          kind: 'huge',
          status: 200,
          bytes: RESPONSE_BODY_CAP_BYTES,
          contentLength: false,
        })
        .on('/over-cap', {
          kind: 'huge',
          status: 200,
          bytes: RESPONSE_BODY_CAP_BYTES + 1,
          contentLength: false,
        });
      const atCap = await client.send(webhook(receiver.url('/at-cap')), { timeoutMs: 10_000 });
      const overCap = await client.send(webhook(receiver.url('/over-cap')), { timeoutMs: 10_000 });

      expect(expectKind(atCap, 'response').bodyTruncated).toBe(false);
      expect(expectKind(overCap, 'response').bodyTruncated).toBe(true);
      expect((await receiver.closedCount('/at-cap', 1))[0]?.completed).toBe(true);
    });
  });

  describe('time', () => {
    it('headers, then nothing: a timeout that names the status it got', async () => {
      receiver.on('/stall', { kind: 'headers-then-stall', status: 200, head: '' });
      const outcome = await client.send(webhook(receiver.url('/stall')), { timeoutMs: 500 });

      expect(expectKind(outcome, 'timeout')).toMatchObject({
        timeoutMs: 500,
        requestSent: true,
        partialResponse: { status: 200, receivedBytes: 0, bodyExcerpt: '' },
      });
      expect(errorSummary(outcome)).toBe(
        'timeout after 500 ms, during the body of HTTP 200 (0 bytes received; request sent)',
      );
      // The connection is dropped, not left to the receiver.
      expect((await receiver.closedCount('/stall', 1))[0]?.completed).toBe(false);
    });

    it('no answer at all: a timeout with no status', async () => {
      receiver.on('/silent', { kind: 'never-answer' });
      const outcome = await client.send(webhook(receiver.url('/silent')), { timeoutMs: 500 });

      expect(expectKind(outcome, 'timeout')).toMatchObject({
        timeoutMs: 500,
        requestSent: true,
        partialResponse: null,
      });
      expect(errorSummary(outcome)).toBe('timeout after 500 ms (request sent)');
      await receiver.closedCount('/silent', 1);
    });

    it('a 200 whose body trickles forever: a timeout, not a success', async () => {
      receiver.on('/trickle', { kind: 'trickle', status: 200, intervalMs: 20 });
      const outcome = await client.send(webhook(receiver.url('/trickle')), { timeoutMs: 1_000 });

      const timeout = expectKind(outcome, 'timeout');
      expect(timeout.requestSent).toBe(true);
      expect(timeout.partialResponse?.status).toBe(200);
      expect(timeout.partialResponse?.receivedBytes).toBeGreaterThan(0);
      expect(timeout.partialResponse?.bodyExcerpt).toMatch(/^t+$/);
      expect(errorSummary(outcome)).toMatch(
        /^timeout after 1000 ms, during the body of HTTP 200 \(\d+ bytes received; request sent\)$/,
      );
      expect((await receiver.closedCount('/trickle', 1))[0]?.completed).toBe(false);
    });

    it('a 200 whose connection is reset mid-body: a network error that names the status', async () => {
      receiver.on('/reset', { kind: 'reset-mid-body', status: 200, head: 'partial' });
      const outcome = await client.send(webhook(receiver.url('/reset')), { timeoutMs: 5_000 });

      expect(expectKind(outcome, 'network-error')).toMatchObject({
        requestSent: true,
        partialResponse: { status: 200, receivedBytes: 7, bodyExcerpt: 'partial' },
      });
      expect(errorSummary(outcome)).toMatch(
        /, during the body of HTTP 200 \(7 bytes received; request sent\)$/,
      );
    });
  });

  describe('memory', () => {
    it('16 concurrent 50 MB answers raise peak RSS by far less than one of them', async () => {
      const concurrent = 16;
      receiver.on('/huge', { kind: 'huge', status: 200, bytes: FIFTY_MB, contentLength: false });
      // Once first, so that the sockets, parsers and JIT-compiled code exist before measuring.
      await client.send(webhook(receiver.url('/huge')), { timeoutMs: 10_000 });
      await receiver.closedCount('/huge', 1);

      await resetPeakRss();
      const baseline = await peakRssBytes();
      const outcomes = await Promise.all(
        Array.from({ length: concurrent }, () =>
          client.send(webhook(receiver.url('/huge')), { timeoutMs: 30_000 }),
        ),
      );
      await receiver.closedCount('/huge', 1 + concurrent);
      const growth = (await peakRssBytes()) - baseline;

      // Reading the bodies would take 16 × 50 MB = 800 MiB; a bounded client holds an excerpt
      // and one socket buffer per attempt. Measured: +0.4 to +4.4 MiB of peak RSS here, and
      // +547 MiB with a client that keeps the body. 32 MiB leaves room for the test's own
      // garbage and fails below a single buffered 50 MB body.
      expect(growth).toBeLessThan(32 * MiB);
      for (const outcome of outcomes) {
        expect(expectKind(outcome, 'response')).toMatchObject({ status: 200, bodyTruncated: true });
      }
      // Every body was cut: the receiver never wrote more than a fraction of any of them.
      const written = receiver.closedFor('/huge').map((closed) => closed.bodyBytesWritten);
      expect(Math.max(...written)).toBeLessThan(FIFTY_MB);
    });
  });
});
