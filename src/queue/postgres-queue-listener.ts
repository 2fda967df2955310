import { Logger } from '@nestjs/common';
import type pg from 'pg';
import { QUEUE_CHANNEL } from './postgres-queue-statements.js';
import type { WakeUpSchedule } from './wake-up-schedule.js';

/** Reconnect delays after the listening connection is lost: doubling from the first to the last. */
const RECONNECT_FIRST_MS = 250;
const RECONNECT_MAX_MS = 5_000;

type ListenerState = 'idle' | 'connecting' | 'listening' | 'closed';

/**
 * `LISTEN` on a dedicated connection (a pooled one would be handed to other queries, and
 * PostgreSQL delivers notifications only to the session that listens). Each notification's
 * payload, the milliseconds until the item it announces is due, goes to the wake-up
 * schedule. Started on the first wait, so processes that never claim (the API and
 * scheduler) never open it.
 *
 * While not listening (starting, or reconnecting after the connection was lost) nothing can
 * be heard, so `listening` is false and waiters poll instead; every (re)connection wakes
 * them once, for whatever was announced while nobody listened.
 */
export class PostgresQueueListener {
  private readonly logger = new Logger(PostgresQueueListener.name);
  private state: ListenerState = 'idle';
  private client: pg.Client | null = null;
  private reconnectDelayMs = RECONNECT_FIRST_MS;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly openConnection: () => pg.Client,
    private readonly schedule: WakeUpSchedule,
  ) {}

  get listening(): boolean {
    return this.state === 'listening';
  }

  /** Connects and listens unless already doing so (or closed). Returns at once. */
  start(): void {
    if (this.state !== 'idle' || this.reconnectTimer !== undefined) return;
    this.state = 'connecting';
    void this.connect();
  }

  async close(): Promise<void> {
    this.state = 'closed';
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const client = this.client;
    this.client = null;
    // Waiters fall back to polling; none should sleep on a channel nobody listens to.
    this.schedule.notify(0);
    if (client !== null) await client.end();
  }

  private async connect(): Promise<void> {
    const client = this.openConnection();
    this.client = client;
    client.on('notification', (message) => {
      if (message.channel === QUEUE_CHANNEL) this.schedule.notify(dueInMs(message.payload));
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${QUEUE_CHANNEL}`);
    } catch (error) {
      this.lost(client, error);
      await client.end().catch((endError: unknown) => {
        this.logger.debug(`Closing the failed listening connection: ${String(endError)}`);
      });
      return;
    }
    if (this.client !== client || this.state !== 'connecting') return; // closed meanwhile
    this.state = 'listening';
    this.reconnectDelayMs = RECONNECT_FIRST_MS;
    this.logger.log('Listening for queue notifications');
    this.schedule.notify(0);
  }

  private lost(client: pg.Client, error: unknown): void {
    if (this.client !== client || this.state === 'closed') return;
    this.client = null;
    this.state = 'idle';
    this.logger.warn(
      `Queue notifications interrupted (${error instanceof Error ? error.message : String(error)}); ` +
        `polling until reconnected in ${this.reconnectDelayMs} ms`,
    );
    this.schedule.notify(0);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.start();
    }, this.reconnectDelayMs);
    this.reconnectDelayMs = Math.min(this.reconnectDelayMs * 2, RECONNECT_MAX_MS);
  }
}

/** A payload the statements wrote: a non-negative integer. Anything else wakes at once. */
function dueInMs(payload: string | undefined): number {
  const value = Number(payload);
  return Number.isSafeInteger(value) && value >= 0 ? value : 0;
}
