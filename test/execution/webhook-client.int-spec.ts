import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { EventEmitter, once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { errorSummary } from '../../src/execution/delivery-policy.js';
import { RESPONSE_EXCERPT_BYTES, WebhookClient } from '../../src/execution/webhook-client.js';
import { buildWebhookRequest } from '../../src/execution/webhook-request.js';
import { DestinationPolicy } from '../../src/outbound/destination-policy.js';
import type { WebhookRequest, WebhookRequestInput } from '../../src/execution/webhook-request.js';
import { freePort } from '../support/service-process.js';
import { expectKind } from '../support/webhook-outcomes.js';

interface Received {
  path: string;
  method: string;
  headers: IncomingMessage['headers'];
  rawHeaders: string[];
  body: string;
  remotePort: number | undefined;
}

type Route = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * A webhook receiver on 127.0.0.1: records every request (after its body has arrived) and
 * answers by path. Tests wait on its events, never on the clock.
 */
class Receiver {
  readonly received: Received[] = [];
  readonly events = new EventEmitter();
  connections = 0;
  private readonly routes = new Map<string, Route>();
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<Receiver> {
    const server = createServer();
    // Long enough that a closed socket in these tests is always the client's doing.
    server.keepAliveTimeout = 60_000;
    const receiver = new Receiver(server);
    server.on('connection', (socket: Socket) => {
      receiver.connections += 1;
      receiver.sockets.add(socket);
      socket.on('close', () => receiver.sockets.delete(socket));
    });
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      receiver.handle(request, response);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return receiver;
  }

  get port(): number {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening');
    return address.port;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  route(path: string, handler: Route): void {
    this.routes.set(path, handler);
  }

  paths(): string[] {
    return this.received.map((request) => request.path);
  }

  /** Resolves with the request and its open response once `path` has been received. */
  async arrival(path: string): Promise<{ request: IncomingMessage; response: ServerResponse }> {
    const [request, response] = (await once(this.events, `arrived ${path}`)) as [
      IncomingMessage,
      ServerResponse,
    ];
    return { request, response };
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '';
      this.received.push({
        path,
        method: request.method ?? '',
        headers: request.headers,
        rawHeaders: request.rawHeaders,
        body: Buffer.concat(chunks).toString('utf8'),
        remotePort: request.socket.remotePort,
      });
      this.events.emit(`arrived ${path}`, request, response);
      const route = this.routes.get(path);
      // `/hold...` paths are never answered: the test decides what happens to them.
      if (route !== undefined) route(request, response);
      else if (!path.startsWith('/hold')) response.end('ok');
    });
  }
}

/**
 * Resolves when `emitter` closes. Not `events.once`: that rejects on an 'error' first, and a
 * receiver socket that the client resets mid-write reports ECONNRESET before it closes.
 */
function whenClosed(emitter: EventEmitter): Promise<void> {
  return new Promise((resolve) => emitter.once('close', () => resolve()));
}

function webhook(url: string, overrides: Partial<WebhookRequestInput> = {}): WebhookRequest {
  return buildWebhookRequest({
    jobId: '5f0c6a52-8f0e-4a39-9a57-1b9d3c6f2e10',
    executionId: '0b7e3c1d-2f4a-4e8b-a6c9-7d5e1f3a9b20',
    scheduledAt: new Date(Date.UTC(2025, 2, 9, 7, 30, 0, 250)),
    attempt: 2,
    method: 'POST',
    url,
    headers: {},
    body: null,
    version: '0.1.0',
    ...overrides,
  });
}

describe('WebhookClient against a real receiver', () => {
  let receiver: Receiver;
  let client: WebhookClient;

  beforeEach(async () => {
    receiver = await Receiver.start();
    // One connection makes reuse and slot release observable. (With a pool of several, a
    // request sent in the same event-loop turn as the previous response ended gets a new
    // socket: undici waits one turn before reusing one.)
    // The receiver is on loopback: the SSRF guard's opt-out, as in development.
    client = new WebhookClient({
      connectionsPerOrigin: 1,
      destinations: new DestinationPolicy({ allowPrivateNetworks: true, allowedCidrs: [] }),
    });
  });

  afterEach(async () => {
    // Receiver first: it destroys held sockets, so the client has nothing left to wait for.
    await receiver.close();
    await client.close();
  });

  describe('the request on the wire', () => {
    it('arrives with exactly the built headers and the JSON body', async () => {
      const request = webhook(receiver.url('/hook?tenant=acme'), {
        headers: { 'X-Tenant': 'acme', Authorization: 'Bearer abc' },
        body: { report: 'daily', ids: [1, 2] },
      });
      const outcome = await client.send(request, { timeoutMs: 5_000 });

      expect(expectKind(outcome, 'response').status).toBe(200);
      expect(receiver.received).toHaveLength(1);
      const [received] = receiver.received;
      expect(received?.method).toBe('POST');
      expect(received?.path).toBe('/hook?tenant=acme');
      expect(received?.body).toBe('{"report":"daily","ids":[1,2]}');
      expect(received?.headers).toEqual({
        'x-tenant': 'acme',
        authorization: 'Bearer abc',
        'content-type': 'application/json',
        'x-job-id': '5f0c6a52-8f0e-4a39-9a57-1b9d3c6f2e10',
        'x-execution-id': '0b7e3c1d-2f4a-4e8b-a6c9-7d5e1f3a9b20',
        'x-scheduled-at': '2025-03-09T07:30:00.250Z',
        'x-attempt': '2',
        'user-agent': 'job-scheduler/0.1.0',
        // Added by the HTTP client for framing.
        host: `127.0.0.1:${receiver.port}`,
        connection: 'keep-alive',
        'content-length': '30',
      });
      // Each header once: nothing duplicated under another spelling.
      expect(received?.rawHeaders).toHaveLength(2 * 11);
    });

    it('sends a string body untouched with the job content type', async () => {
      const body = '  <ping at="now"/>\r\n{"not": "json"}  ';
      const request = webhook(receiver.url('/xml'), {
        method: 'PUT',
        headers: { 'Content-Type': 'application/xml; charset=utf-8' },
        body,
      });
      await client.send(request, { timeoutMs: 5_000 });

      const [received] = receiver.received;
      expect(received?.method).toBe('PUT');
      expect(received?.body).toBe(body);
      expect(received?.headers['content-type']).toBe('application/xml; charset=utf-8');
    });

    it('sends a GET without a body', async () => {
      await client.send(webhook(receiver.url('/get'), { method: 'GET' }), { timeoutMs: 5_000 });
      const [received] = receiver.received;
      expect(received?.method).toBe('GET');
      expect(received?.body).toBe('');
      expect(received?.headers['content-length']).toBeUndefined();
      expect(received?.headers['content-type']).toBeUndefined();
    });

    it('sends URL credentials as Basic auth, never in the request line', async () => {
      const url = receiver.url('/auth').replace('http://', 'http://robot:s3cret@');
      await client.send(webhook(url), { timeoutMs: 5_000 });
      const [received] = receiver.received;
      expect(received?.path).toBe('/auth');
      expect(received?.headers.authorization).toBe(
        `Basic ${Buffer.from('robot:s3cret').toString('base64')}`,
      );
    });
  });

  describe('responses', () => {
    it('does not follow a redirect: the 3xx is the answer and the target is never hit', async () => {
      receiver.route('/old', (_request, response) => {
        response.writeHead(302, { Location: '/new' }).end('moved');
      });
      const outcome = await client.send(webhook(receiver.url('/old')), { timeoutMs: 5_000 });

      expect(expectKind(outcome, 'response')).toMatchObject({ status: 302, bodyExcerpt: 'moved' });
      // A later request on the same receiver: had the redirect been followed, /new came first.
      await client.send(webhook(receiver.url('/after')), { timeoutMs: 5_000 });
      expect(receiver.paths()).toEqual(['/old', '/after']);
    });

    it('reports a 204 with an empty excerpt', async () => {
      receiver.route('/empty', (_request, response) => response.writeHead(204).end());
      const outcome = await client.send(webhook(receiver.url('/empty')), { timeoutMs: 5_000 });
      expect(expectKind(outcome, 'response')).toMatchObject({
        status: 204,
        bodyExcerpt: '',
        retryAfterMs: null,
      });
    });

    it('parses Retry-After in delta-seconds', async () => {
      receiver.route('/busy', (_request, response) => {
        response.writeHead(429, { 'Retry-After': '7' }).end('slow down');
      });
      const outcome = await client.send(webhook(receiver.url('/busy')), { timeoutMs: 5_000 });
      expect(expectKind(outcome, 'response')).toMatchObject({ status: 429, retryAfterMs: 7000 });
    });

    it("parses a Retry-After date against the response's own Date", async () => {
      receiver.route('/down', (_request, response) => {
        response
          .writeHead(503, {
            Date: 'Sun, 09 Mar 2025 07:30:00 GMT',
            'Retry-After': 'Sun, 09 Mar 2025 07:30:30 GMT',
          })
          .end();
      });
      const outcome = await client.send(webhook(receiver.url('/down')), { timeoutMs: 5_000 });
      expect(expectKind(outcome, 'response')).toMatchObject({ status: 503, retryAfterMs: 30_000 });
    });

    it('keeps only the first 2 KiB of a 10 MB body and drops the connection at the cap', async () => {
      const size = 10 * 1024 * 1024;
      const head = Buffer.alloc(RESPONSE_EXCERPT_BYTES, 'h');
      receiver.route('/big', (_request, response) => {
        response.writeHead(200, { 'Content-Length': String(size) });
        response.write(head);
        response.end(Buffer.alloc(size - head.length, 't'));
      });
      const socketClosed = receiver
        .arrival('/big')
        .then(({ request }) => whenClosed(request.socket));
      const outcome = await client.send(webhook(receiver.url('/big')), { timeoutMs: 10_000 });

      const response = expectKind(outcome, 'response');
      expect(response).toMatchObject({ status: 200, bodyTruncated: true });
      expect(response.bodyExcerpt).toBe(head.toString('utf8'));
      await socketClosed;
    });

    it('stops reading an endless body', async () => {
      const chunk = Buffer.alloc(64 * 1024, 'e');
      receiver.route('/endless', (_request, response) => {
        response.writeHead(200, { 'Content-Type': 'text/plain' });
        const pump = (): void => {
          while (!response.destroyed && response.write(chunk));
        };
        response.on('drain', pump);
        pump();
      });
      const closed = receiver.arrival('/endless').then(({ response }) => whenClosed(response));
      const outcome = await client.send(webhook(receiver.url('/endless')), { timeoutMs: 10_000 });

      const response = expectKind(outcome, 'response');
      expect(response.bodyExcerpt).toBe('e'.repeat(RESPONSE_EXCERPT_BYTES));
      await closed;
    });

    it('drains a body a little over the excerpt and keeps the socket', async () => {
      receiver.route('/medium', (_request, response) => response.end('m'.repeat(10 * 1024)));
      const first = await client.send(webhook(receiver.url('/medium')), { timeoutMs: 5_000 });
      const second = await client.send(webhook(receiver.url('/medium')), { timeoutMs: 5_000 });

      expect(expectKind(first, 'response')).toMatchObject({ bodyTruncated: false });
      expect(expectKind(first, 'response').bodyExcerpt).toHaveLength(RESPONSE_EXCERPT_BYTES);
      expect(expectKind(second, 'response').status).toBe(200);
      expect(receiver.connections).toBe(1);
    });

    it('cuts the excerpt before a character split by the 2 KiB boundary', async () => {
      const text = `${'a'.repeat(RESPONSE_EXCERPT_BYTES - 1)}€ and more`;
      receiver.route('/utf8', (_request, response) => response.end(text));
      const outcome = await client.send(webhook(receiver.url('/utf8')), { timeoutMs: 5_000 });
      expect(expectKind(outcome, 'response').bodyExcerpt).toBe(
        'a'.repeat(RESPONSE_EXCERPT_BYTES - 1),
      );
    });
  });

  describe('keep-alive', () => {
    it('reuses one socket for two sequential requests', async () => {
      const first = await client.send(webhook(receiver.url('/a')), { timeoutMs: 5_000 });
      const second = await client.send(webhook(receiver.url('/b')), { timeoutMs: 5_000 });

      expect(expectKind(first, 'response').status).toBe(200);
      expect(expectKind(second, 'response').status).toBe(200);
      expect(receiver.connections).toBe(1);
      const [a, b] = receiver.received;
      expect(a?.remotePort).toBe(b?.remotePort);
    });
  });

  describe('failures', () => {
    it('times out a held request as sent, and frees its connection', async () => {
      const held = receiver.arrival('/hold');
      const outcome = await client.send(webhook(receiver.url('/hold')), { timeoutMs: 200 });

      expect(expectKind(outcome, 'timeout')).toMatchObject({
        timeoutMs: 200,
        requestSent: true,
      });
      expect(errorSummary(outcome)).toBe('timeout after 200 ms (request sent)');
      const { request } = await held;
      if (!request.socket.closed) await whenClosed(request.socket);
      // The only connection slot is free again.
      const next = await client.send(webhook(receiver.url('/ok')), { timeoutMs: 5_000 });
      expect(expectKind(next, 'response').status).toBe(200);
    });

    it('times out a request still waiting for a connection as not sent, and never sends it', async () => {
      const held = receiver.arrival('/hold');
      const blocker = client.send(webhook(receiver.url('/hold')), { timeoutMs: 10_000 });
      const { response } = await held;

      const queued = await client.send(webhook(receiver.url('/queued')), { timeoutMs: 100 });
      expect(expectKind(queued, 'timeout').requestSent).toBe(false);

      response.end('released');
      expect(expectKind(await blocker, 'response').bodyExcerpt).toBe('released');
      const after = await client.send(webhook(receiver.url('/after')), { timeoutMs: 5_000 });
      expect(expectKind(after, 'response').status).toBe(200);
      expect(receiver.paths()).toEqual(['/hold', '/after']);
    });

    it('reports a refused connection as never sent, without URL secrets', async () => {
      const port = await freePort(); // nothing listens there
      const outcome = await client.send(
        {
          method: 'POST',
          url: `http://robot:s3cret@127.0.0.1:${port}/hook?token=abc123`,
          headers: {},
          body: undefined,
        },
        { timeoutMs: 5_000 },
      );

      const failure = expectKind(outcome, 'network-error');
      expect(failure.requestSent).toBe(false);
      expect(failure.error).toMatch(/^connection refused/);
      expect(errorSummary(outcome)).toMatch(/^connection refused.*\(request not sent\)$/);
      for (const secret of ['s3cret', 'robot', 'abc123', 'token']) {
        expect(errorSummary(outcome)).not.toContain(secret);
      }
    });

    it('reports a connection reset after the request arrived as sent', async () => {
      receiver.route('/reset', (request) => request.socket.destroy());
      const outcome = await client.send(webhook(receiver.url('/reset')), { timeoutMs: 5_000 });

      const failure = expectKind(outcome, 'network-error');
      expect(failure.requestSent).toBe(true);
      expect(receiver.paths()).toEqual(['/reset']);
      expect(errorSummary(outcome)).toMatch(/\(request sent\)$/);
    });

    it('reports an invalid URL as never sent', async () => {
      const outcome = await client.send(
        { method: 'GET', url: 'not a url', headers: {}, body: undefined },
        { timeoutMs: 5_000 },
      );
      expect(outcome).toMatchObject({
        kind: 'network-error',
        error: 'invalid URL',
        requestSent: false,
      });
    });
  });

  describe('abort (graceful shutdown)', () => {
    it('aborts an in-flight request and closes its socket', async () => {
      const controller = new AbortController();
      const held = receiver.arrival('/hold');
      const sending = client.send(webhook(receiver.url('/hold')), {
        timeoutMs: 30_000,
        signal: controller.signal,
      });
      const { request } = await held;
      const socketClosed = whenClosed(request.socket);
      controller.abort();

      expect(expectKind(await sending, 'aborted').requestSent).toBe(true);
      await socketClosed;
    });

    it('does not send when the signal is already aborted', async () => {
      const outcome = await client.send(webhook(receiver.url('/never')), {
        timeoutMs: 5_000,
        signal: AbortSignal.abort(),
      });
      expect(expectKind(outcome, 'aborted').requestSent).toBe(false);
      await client.send(webhook(receiver.url('/after')), { timeoutMs: 5_000 });
      expect(receiver.paths()).toEqual(['/after']);
    });
  });
});
