import { once } from 'node:events';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/**
 * An HTTP listener on 127.0.0.1 and, where the host has it, on ::1 at the same port, that
 * counts every TCP connection it accepts. It stands where an internal service would: the
 * SSRF guard's tests assert it saw zero connections, and their controls that it saw some.
 * It answers 200 `canary` unless a route says otherwise.
 */
export class CanaryListener {
  connections = 0;
  readonly ipv6: boolean;
  private readonly routes = new Map<string, (res: ServerResponse) => void>();
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly servers: Server[],
    readonly port: number,
  ) {
    this.ipv6 = servers.length > 1;
  }

  static async start(): Promise<CanaryListener> {
    const ipv4 = await listen('127.0.0.1', 0);
    const address = ipv4.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    const servers = [ipv4];
    try {
      servers.push(await listen('::1', address.port));
    } catch (error) {
      // A host without IPv6 loopback: the IPv4 listener still catches every IPv4 form.
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EADDRNOTAVAIL' && code !== 'EAFNOSUPPORT') throw error;
    }
    const canary = new CanaryListener(servers, address.port);
    for (const server of servers) {
      server.on('connection', (socket: Socket) => {
        canary.connections += 1;
        canary.sockets.add(socket);
        socket.on('close', () => canary.sockets.delete(socket));
      });
      server.on('request', (req: IncomingMessage, res: ServerResponse) => {
        const route = canary.routes.get(req.url ?? '');
        if (route === undefined) res.end('canary');
        else route(res);
      });
    }
    return canary;
  }

  /** `http://<host>:<port><path>`: `host` as written in a URL (`127.1`, `[::1]`, ...). */
  url(host: string, path = '/'): string {
    return `http://${host}:${this.port}${path}`;
  }

  route(path: string, answer: (res: ServerResponse) => void): void {
    this.routes.set(path, answer);
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await Promise.all(
      this.servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
    );
  }
}

async function listen(host: string, port: number): Promise<Server> {
  const server = createServer();
  // Long enough that a closed socket is always the client's doing.
  server.keepAliveTimeout = 60_000;
  server.listen(port, host);
  // `once` rejects with the 'error' event (e.g. EADDRNOTAVAIL) if that comes first.
  await once(server, 'listening');
  return server;
}
