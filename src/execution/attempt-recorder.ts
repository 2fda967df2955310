import { Injectable } from '@nestjs/common';
import type { OnApplicationShutdown } from '@nestjs/common';
import { ExecutionRepository } from './execution.repository.js';
import type { AttemptResult } from './execution.repository.js';

/**
 * Outcomes are written in batches: one statement per flush instead of one per attempt.
 * A flush happens when this many are waiting or after FLUSH_DELAY_MS, whichever is first;
 * 2 ms adds little to a request that took tens of ms, and at a thousand attempts per second
 * turns ~1000 statements into ~200 or fewer.
 */
const FLUSH_SIZE = 500;
const FLUSH_DELAY_MS = 2;

interface Pending {
  result: AttemptResult;
  resolve: (recorded: boolean) => void;
  reject: (error: unknown) => void;
}

@Injectable()
export class AttemptRecorder implements OnApplicationShutdown {
  private pending: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(private readonly repository: ExecutionRepository) {}

  /** Resolves true once written; false if the attempt was fenced out (claimed again meanwhile). */
  record(result: AttemptResult): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.pending.push({ result, resolve, reject });
      if (this.pending.length >= FLUSH_SIZE) this.flushSoon(0);
      else this.flushSoon(FLUSH_DELAY_MS);
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.flushSoon(0);
    await this.flushing;
  }

  private flushSoon(delayMs: number): void {
    if (this.timer !== undefined && delayMs > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const batch = this.pending;
      this.pending = [];
      if (batch.length === 0) return;
      // Flushes run one after another so a slow one cannot be overtaken.
      this.flushing = this.flushing.then(() => this.write(batch));
    }, delayMs);
  }

  private async write(batch: Pending[]): Promise<void> {
    try {
      const recorded = await this.repository.record(batch.map((p) => p.result));
      for (const p of batch) p.resolve(recorded.has(p.result.id));
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }
}
