import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { WakeUpSchedule } from './wake-up-schedule.js';

describe('WakeUpSchedule', () => {
  let schedule: WakeUpSchedule;
  let signal: AbortSignal;
  beforeEach(() => {
    jest.useFakeTimers();
    schedule = new WakeUpSchedule(() => Date.now());
    signal = new AbortController().signal;
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  /** Starts a wait and reports whether it has ended, after letting timers run `ms`. */
  function track(wait: Promise<void>): () => boolean {
    let ended = false;
    void wait.then(() => {
      ended = true;
    });
    return () => ended;
  }

  it('ends a wait after the time asked for', async () => {
    const ended = track(schedule.wait(1_000, signal));
    await jest.advanceTimersByTimeAsync(999);
    expect(ended()).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(ended()).toBe(true);
    expect(schedule.waiting).toBe(0);
  });

  it('ends a wait early when an item is announced as due sooner', async () => {
    const ended = track(schedule.wait(5_000, signal));
    schedule.notify(200);
    await jest.advanceTimersByTimeAsync(199);
    expect(ended()).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(ended()).toBe(true);
  });

  it('neither lengthens nor shortens a wait for an item due after it ends', async () => {
    const ended = track(schedule.wait(1_000, signal));
    schedule.notify(60_000);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(ended()).toBe(true);
  });

  it('keeps an announcement that arrives while a claim runs, for the wait after it', async () => {
    schedule.claimStarting();
    schedule.notify(0); // committed after the claim's snapshot: the claim did not see it
    const ended = track(schedule.wait(5_000, signal));
    await jest.advanceTimersByTimeAsync(0);
    expect(ended()).toBe(true);
  });

  it('forgets announcements from before a claim started: the claim saw those items', async () => {
    schedule.notify(0);
    schedule.claimStarting();
    const ended = track(schedule.wait(5_000, signal));
    await jest.advanceTimersByTimeAsync(4_999);
    expect(ended()).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    expect(ended()).toBe(true);
  });

  it('wakes every waiter, and ends a wait when its signal aborts', async () => {
    const controller = new AbortController();
    const first = track(schedule.wait(5_000, signal));
    const second = track(schedule.wait(5_000, controller.signal));
    controller.abort();
    await jest.advanceTimersByTimeAsync(0);
    expect([first(), second()]).toEqual([false, true]);
    schedule.notify(10);
    await jest.advanceTimersByTimeAsync(10);
    expect(first()).toBe(true);
    expect(schedule.waiting).toBe(0);
  });
});
