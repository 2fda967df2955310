import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';

export interface ReceivedRequest {
  method: string;
  path: string;
  /** Path and query string, as sent. */
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** Receiver clock, epoch ms, when the request line and headers arrived. */
  receivedAt: number;
  jobId: string;
  executionId: string;
  scheduledAt: string;
  attempt: number;
}

/** What to answer: a status, or `hold` (never answer until released or the socket closes). */
export type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hold';

/**
 * A real HTTP receiver on 127.0.0.1 that records every request. Behaviour is per path: a
 * function from the request (and how many requests that path has seen) to an answer.
 */
export class WebhookReceiver {
  readonly requests: ReceivedRequest[] = [];
  private server: Server | undefined;
  private readonly behaviours = new Map<
    string,
    (request: ReceivedRequest, nth: number) => Answer
  >();
  private readonly held = new Set<ServerResponse>();
  private readonly waiters = new Set<() => void>();
  port = 0;

  on(path: string, behaviour: (request: ReceivedRequest, nth: number) => Answer): this {
    this.behaviours.set(path, behaviour);
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    this.port = address.port;
    return this;
  }

  async stop(): Promise<void> {
    for (const res of this.held) res.destroy();
    this.held.clear();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  /** Answers every held request with `status`. */
  releaseHeld(status = 200): void {
    for (const res of this.held) if (!res.writableEnded) res.writeHead(status).end();
    this.held.clear();
  }

  forPath(path: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  /** Resolves once `predicate` holds over the recorded requests (checked on every request). */
  waitFor(
    predicate: (requests: ReceivedRequest[]) => boolean,
    timeoutMs = 30_000,
    what = 'condition',
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!predicate(this.requests)) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `receiver: no ${what} within ${timeoutMs} ms (${this.requests.length} requests)`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const receivedAt = Date.now();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const request: ReceivedRequest = {
        method: req.method ?? '',
        path,
        url: req.url ?? '/',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAt,
        jobId: String(req.headers['x-job-id'] ?? ''),
        executionId: String(req.headers['x-execution-id'] ?? ''),
        scheduledAt: String(req.headers['x-scheduled-at'] ?? ''),
        attempt: Number(req.headers['x-attempt'] ?? 0),
      };
      const nth = this.forPath(path).length;
      this.requests.push(request);
      const behaviour = this.behaviours.get(path);
      const answer = behaviour ? behaviour(request, nth) : { status: 200 };
      if (answer === 'hold') this.held.add(res);
      else res.writeHead(answer.status, answer.headers).end(answer.body ?? '');
      for (const waiter of [...this.waiters]) waiter();
    });
  }
}

/** p-th percentile (0-100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}
