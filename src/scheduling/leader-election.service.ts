import { Inject, Injectable, Logger } from '@nestjs/common';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Redis } from 'ioredis';
import Redlock from 'redlock';
import type { Lock } from 'redlock';
import { abortableSleep } from '../common/abortable-sleep.js';
import { BackgroundLoop } from '../common/background-loop.js';
import { AppConfig } from '../config/app-config.js';
import { REDIS } from '../redis/redis.module.js';
import { LeadershipRepository } from './leadership.repository.js';

export type LeadershipListener = (epoch: string) => void;

/**
 * One scheduler leads at a time. Redlock on Redis elects it (TTL `SCHEDULER_LOCK_TTL_MS`,
 * 5 s by default, extended every third of it); the winner then takes a new fencing epoch in
 * PostgreSQL, which is what actually guards the schedule. A killed leader's lock expires
 * within one TTL and a standby, retrying every third of a TTL, takes over: about 5-7 s with
 * the defaults.
 */
@Injectable()
export class LeaderElectionService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly instanceId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly logger = new Logger(LeaderElectionService.name);
  private readonly redlock: Redlock;
  private readonly lockKey: string;
  private readonly ttlMs: number;
  private readonly loop = new BackgroundLoop((signal) => this.run(signal));
  private readonly listeners = new Set<LeadershipListener>();
  private lock: Lock | null = null;
  private epoch: string | null = null;

  constructor(
    @Inject(REDIS) redis: Redis,
    private readonly leadership: LeadershipRepository,
    private readonly config: AppConfig,
  ) {
    // One Redis: Redlock's quorum is that one instance. retryCount 0: the loop retries.
    this.redlock = new Redlock([redis], { retryCount: 0, driftFactor: 0.01 });
    this.redlock.on('error', () => undefined); // failures surface as rejected acquire/extend
    this.lockKey = `${config.redis.keyPrefix}:scheduler:leader`;
    this.ttlMs = config.scheduler.lockTtlMs;
  }

  /** The epoch this process holds while it leads (and its lock is unexpired), else null. */
  get currentEpoch(): string | null {
    if (this.lock === null || this.lock.expiration <= Date.now()) return null;
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
      if (this.lock === null) await this.tryAcquire();
      else await this.tryExtend();
      await abortableSleep(Math.floor(this.ttlMs / 3), signal);
    }
  }

  private async tryAcquire(): Promise<void> {
    let lock: Lock;
    try {
      lock = await this.redlock.acquire([this.lockKey], this.ttlMs);
    } catch {
      return; // another scheduler leads, or Redis is unreachable: try again next round
    }
    try {
      const epoch = await this.leadership.takeEpoch(this.instanceId);
      this.lock = lock;
      this.epoch = epoch;
      this.logger.log(`Leading the scheduler with epoch ${epoch} (${this.instanceId})`);
      for (const listener of this.listeners) listener(epoch);
    } catch (error) {
      this.logger.error(`Won the lock but could not take an epoch: ${String(error)}`);
      await lock.release().catch(() => undefined);
    }
  }

  private async tryExtend(): Promise<void> {
    const lock = this.lock;
    if (lock === null) return;
    try {
      this.lock = await lock.extend(this.ttlMs);
    } catch (error) {
      this.logger.warn(`Lost scheduler leadership (epoch ${this.epoch}): ${String(error)}`);
      this.lock = null;
      this.epoch = null;
    }
  }

  /** Releases the lock on shutdown so a standby takes over at once instead of after a TTL. */
  private async resign(): Promise<void> {
    const lock = this.lock;
    this.lock = null;
    this.epoch = null;
    if (lock === null) return;
    try {
      await lock.release();
      this.logger.log('Released scheduler leadership');
    } catch (error) {
      this.logger.warn(`Could not release leadership (it will expire): ${String(error)}`);
    }
  }
}
