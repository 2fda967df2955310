import { EventEmitter, once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** How a path misbehaves. */
export type HostileBehaviour =
  /** `bytes` of body, written as fast as the client reads them (backpressure respected). */
  | { kind: 'huge'; status: number; bytes: number; contentLength: boolean }
  /** The status line, headers and `head` of the body, then nothing, ever. */
  | { kind: 'headers-then-stall'; status: number; head: string }
  /** Reads the request and never answers. */
  | { kind: 'never-answer' }
  /** The status line and one byte of body, then one more every `intervalMs`, forever. */
  | { kind: 'trickle'; status: number; intervalMs: number }
  /** The status line, `head` of the body, then the connection is destroyed. */
  | { kind: 'reset-mid-body'; status: number; head: string }
  /** A well-behaved answer. */
  | { kind: 'complete'; status: number; body: string };

/** A behaviour, or one chosen by how many requests the path has seen before (0-based). */
export type HostileRoute = HostileBehaviour | ((nth: number) => HostileBehaviour);

export interface HostileRequest {
  path: string;
  executionId: string;
  attempt: number;
}

/** How one response ended, as the receiver saw it. */
export interface ResponseClosed {
  path: string;
  /** The whole body was handed to the socket and the response ended. */
  completed: boolean;
  /** Body bytes handed to the socket before it closed. */
  bodyBytesWritten: number;
}

const CHUNK = Buffer.alloc(64 * 1024, 'x');

/**
 * An HTTP receiver on 127.0.0.1 that answers badly on purpose: too much, too slowly or not at
 * all. It keeps nothing of what it sends (one reused 64 KiB chunk), so memory measured in the
 * same process is the client's. Tests wait on its events (`arrived`, `closed`).
 */
export class HostileReceiver {
  readonly requests: HostileRequest[] = [];
  readonly closedResponses: ResponseClosed[] = [];
  readonly events = new EventEmitter();
  private readonly routes = new Map<string, HostileRoute>();
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<HostileReceiver> {
    const server = createServer();
    const receiver = new HostileReceiver(server);
    server.on('connection', (socket: Socket) => {
      receiver.sockets.add(socket);
      socket.on('close', () => receiver.sockets.delete(socket));
    });
    server.on('request', (request: IncomingMessage, response: ServerResponse) =>
      receiver.handle(request, response),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return receiver;
  }

  on(path: string, route: HostileRoute): this {
    this.routes.set(path, route);
    return this;
  }

  requestsFor(path: string): HostileRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  url(path: string): string {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening');
    return `http://127.0.0.1:${address.port}${path}`;
  }

  closedFor(path: string): ResponseClosed[] {
    return this.closedResponses.filter((closed) => closed.path === path);
  }

  /** Resolves once `count` responses of `path` have closed (however they ended). */
  async closedCount(path: string, count: number): Promise<ResponseClosed[]> {
    while (this.closedFor(path).length < count) await once(this.events, 'closed');
    return this.closedFor(path);
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    request.resume();
    request.on('end', () => {
      const nth = this.requestsFor(path).length;
      this.requests.push({
        path,
        executionId: String(request.headers['x-execution-id'] ?? ''),
        attempt: Number(request.headers['x-attempt'] ?? 0),
      });
      this.events.emit('arrived', path);
      const route = this.routes.get(path);
      if (route === undefined) {
        response.writeHead(404).end();
        return;
      }
      this.answer(path, typeof route === 'function' ? route(nth) : route, response);
    });
  }

  private answer(path: string, behaviour: HostileBehaviour, response: ServerResponse): void {
    let written = 0;
    let completed = false;
    let trickle: NodeJS.Timeout | undefined;
    response.on('finish', () => {
      completed = true;
    });
    response.on('close', () => {
      clearInterval(trickle);
      this.closedResponses.push({ path, completed, bodyBytesWritten: written });
      this.events.emit('closed', path);
    });
    switch (behaviour.kind) {
      case 'huge': {
        response.writeHead(
          behaviour.status,
          behaviour.contentLength ? { 'Content-Length': String(behaviour.bytes) } : {},
        );
        const pump = (): void => {
          while (!response.destroyed && written < behaviour.bytes) {
            const chunk = CHUNK.subarray(0, Math.min(CHUNK.length, behaviour.bytes - written));
            written += chunk.length;
            if (!response.write(chunk)) return; // resumed by 'drain'
          }
          if (!response.destroyed) response.end();
        };
        response.on('drain', pump);
        pump();
        return;
      }
      case 'headers-then-stall':
        response.writeHead(behaviour.status, { 'Content-Type': 'text/plain' });
        response.flushHeaders();
        if (behaviour.head !== '') {
          written += Buffer.byteLength(behaviour.head);
          response.write(behaviour.head);
        }
        return;
      case 'never-answer':
        return;
      case 'trickle':
        response.writeHead(behaviour.status, { 'Content-Type': 'text/plain' });
        // The first byte goes with the headers, so some body has always arrived.
        written += 1;
        response.write('t');
        trickle = setInterval(() => {
          written += 1;
          response.write('t');
        }, behaviour.intervalMs);
        return;
      case 'reset-mid-body':
        response.writeHead(behaviour.status, { 'Content-Length': '100000' });
        written += Buffer.byteLength(behaviour.head);
        response.write(behaviour.head, () => response.socket?.destroy());
        return;
      case 'complete':
        written += Buffer.byteLength(behaviour.body);
        response.writeHead(behaviour.status, { 'Content-Type': 'text/plain' }).end(behaviour.body);
        return;
    }
  }
}

/**
 * Peak resident memory of a process (VmHWM, in bytes) since the last `resetPeakRss`. Linux
 * only; the peak is what bounds a worker, and reading it needs no sampling loop.
 */
export async function peakRssBytes(pid: number | 'self' = 'self'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  if (match?.[1] === undefined) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/** Sets the peak (VmHWM) back to the current resident size (Linux `clear_refs` 5). */
export async function resetPeakRss(pid: number | 'self' = 'self'): Promise<void> {
  await writeFile(`/proc/${pid}/clear_refs`, '5');
}

/** Current resident memory (VmRSS) of a process, in bytes. */
export async function currentRssBytes(pid: number | 'self' = 'self'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (match?.[1] === undefined) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}
