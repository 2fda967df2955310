import { Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { abortableSleep } from '../common/abortable-sleep.js';
import { BackgroundLoop } from '../common/background-loop.js';
import { AppConfig } from '../config/app-config.js';
import { LeaderLease } from './leader-lease.js';
import type { HeldLease } from './leader-lease.js';
import { LeadershipRepository } from './leadership.repository.js';

export type LeadershipListener = (epoch: string) => void;

/**
 * One scheduler leads at a time. The backend's `LeaderLease` elects it (Redlock on Redis, a
 * lease row on PostgreSQL; TTL `SCHEDULER_LOCK_TTL_MS`, 5 s by default, extended every third
 * of it); the winner then takes a new fencing epoch in PostgreSQL, which is what actually
 * guards the schedule. A killed leader's lease expires within one TTL and a standby,
 * retrying every third of a TTL, takes over: about 5-7 s with the defaults.
 */
@Injectable()
export class LeaderElectionService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly instanceId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly logger = new Logger(LeaderElectionService.name);
  private readonly ttlMs: number;
  private readonly loop = new BackgroundLoop((signal) => this.run(signal));
  private readonly listeners = new Set<LeadershipListener>();
  private lease: HeldLease | null = null;
  private epoch: string | null = null;

  constructor(
    private readonly leaderLease: LeaderLease,
    private readonly leadership: LeadershipRepository,
    private readonly config: AppConfig,
  ) {
    this.ttlMs = config.scheduler.lockTtlMs;
  }

  /** The epoch this process holds while it leads (and its lease is unexpired), else null. */
  get currentEpoch(): string | null {
    if (this.lease === null || !this.lease.valid) return null;
    return this.epoch;
  }

  /** Called with the new epoch each time this process becomes leader. */
  onLeadershipAcquired(listener: LeadershipListener): void {
    this.listeners.add(listener);
  }

  onApplicationBootstrap(): void {
    if (this.config.scheduler.enabled) this.loop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.loop.stop();
    await this.resign();
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      if (this.lease === null) await this.tryAcquire();
      else await this.tryExtend();
      await abortableSleep(Math.floor(this.ttlMs / 3), signal);
    }
  }

  private async tryAcquire(): Promise<void> {
    let lease: HeldLease | null;
    try {
      lease = await this.leaderLease.acquire(this.instanceId, this.ttlMs);
    } catch (error) {
      this.logger.warn(`Could not compete for scheduler leadership: ${describe(error)}`);
      return;
    }
    if (lease === null) return; // another scheduler leads
    try {
      const epoch = await this.leadership.takeEpoch(this.instanceId);
      this.lease = lease;
      this.epoch = epoch;
      this.logger.log(`Leading the scheduler with epoch ${epoch} (${this.instanceId})`);
      for (const listener of this.listeners) listener(epoch);
    } catch (error) {
      this.logger.error(`Won the lease but could not take an epoch: ${describe(error)}`);
      await lease.release().catch((releaseError: unknown) => {
        this.logger.warn(`Could not release the lease (it will expire): ${describe(releaseError)}`);
      });
    }
  }

  private async tryExtend(): Promise<void> {
    const lease = this.lease;
    if (lease === null) return;
    try {
      await lease.extend(this.ttlMs);
    } catch (error) {
      this.logger.warn(`Lost scheduler leadership (epoch ${this.epoch}): ${describe(error)}`);
      this.lease = null;
      this.epoch = null;
    }
  }

  /** Releases the lease on shutdown so a standby takes over at once instead of after a TTL. */
  private async resign(): Promise<void> {
    const lease = this.lease;
    this.lease = null;
    this.epoch = null;
    if (lease === null) return;
    try {
      await lease.release();
      this.logger.log('Released scheduler leadership');
    } catch (error) {
      this.logger.warn(`Could not release leadership (it will expire): ${describe(error)}`);
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
