import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { hostname } from 'node:os';

/** Who this worker is: recorded on each attempt and used as its queue lease token. */
export class WorkerIdentity {
  readonly id = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  /** The lease token is secret-ish: unguessable, so no other process can ack our items. */
  readonly leaseToken = randomBytes(16).toString('hex');
  readonly version = (createRequire(import.meta.url)('../../package.json') as { version: string })
    .version;
}
