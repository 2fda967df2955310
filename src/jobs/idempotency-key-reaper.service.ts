import { Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { abortableSleep } from '../common/abortable-sleep.js';
import { BackgroundLoop } from '../common/background-loop.js';
import { IdempotencyRepository } from './idempotency.repository.js';

/**
 * Every 10 minutes, deletes expired `Idempotency-Key` records, 5,000 at a time. Expired
 * records are already ignored by every read, so how late this runs changes only the table's
 * size. Any API process may run it: the DELETE is idempotent.
 */
const EVERY_MS = 10 * 60 * 1000;
const BATCH = 5000;

@Injectable()
export class IdempotencyKeyReaper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IdempotencyKeyReaper.name);
  private readonly loop = new BackgroundLoop((signal) => this.run(signal));

  constructor(private readonly keys: IdempotencyRepository) {}

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await abortableSleep(EVERY_MS, signal);
      if (signal.aborted) return;
      try {
        while ((await this.keys.deleteExpired(BATCH)) === BATCH && !signal.aborted);
      } catch (error) {
        this.logger.warn(`Could not delete expired idempotency keys: ${String(error)}`);
      }
    }
  }
}
