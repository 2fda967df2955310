import { describe, expect, it } from '@jest/globals';
import { DestinationLimiter } from './destination-limiter.js';
import type { DestinationPermit } from './destination-limiter.js';

const A = 'https://a.example';
const B = 'https://b.example';

/** Lets pending promise callbacks run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('DestinationLimiter', () => {
  it('grants up to the cap per destination, independently for each destination', () => {
    const limiter = new DestinationLimiter(2);
    expect(limiter.tryAcquire(A)).not.toBeNull();
    expect(limiter.tryAcquire(A)).not.toBeNull();
    expect(limiter.tryAcquire(A)).toBeNull();
    expect(limiter.tryAcquire(B)).not.toBeNull();
    expect(limiter.inUse(A)).toBe(2);
    expect(limiter.inUse(B)).toBe(1);
  });

  it('hands a released permit to the waiters in arrival order', async () => {
    const limiter = new DestinationLimiter(1);
    const first = limiter.tryAcquire(A)!;
    const order: string[] = [];
    const waiters = ['w1', 'w2', 'w3'].map((name) =>
      limiter.acquire(A).then((permit) => {
        order.push(name);
        return permit;
      }),
    );
    expect(limiter.waiting).toBe(3);

    first.release();
    const w1 = await waiters[0]!;
    expect(order).toEqual(['w1']);
    expect(limiter.inUse(A)).toBe(1);
    expect(limiter.waiting).toBe(2);

    w1.release();
    (await waiters[1]!).release();
    (await waiters[2]!).release();
    expect(order).toEqual(['w1', 'w2', 'w3']);
    expect(limiter.inUse(A)).toBe(0);
    expect(limiter.waiting).toBe(0);
  });

  it('does not let a newcomer overtake those already waiting', async () => {
    const limiter = new DestinationLimiter(1);
    const held = limiter.tryAcquire(A)!;
    const waiter = limiter.acquire(A);
    held.release();
    // The place went to the waiter, not to whoever asks next.
    expect(limiter.tryAcquire(A)).toBeNull();
    (await waiter).release();
    expect(limiter.tryAcquire(A)).not.toBeNull();
  });

  it('releases a permit once, however often release is called', () => {
    const limiter = new DestinationLimiter(2);
    const permit = limiter.tryAcquire(A)!;
    limiter.tryAcquire(A);
    permit.release();
    permit.release();
    expect(limiter.inUse(A)).toBe(1);
  });

  it('takes an aborted waiter out of line and rejects it with the abort reason', async () => {
    const limiter = new DestinationLimiter(1);
    const held = limiter.tryAcquire(A)!;
    const controller = new AbortController();
    const aborted = limiter.acquire(A, controller.signal);
    const next = limiter.acquire(A);
    expect(limiter.waiting).toBe(2);

    const reason = new Error('stop');
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    expect(limiter.waiting).toBe(1);

    held.release();
    const permit: DestinationPermit = await next;
    expect(limiter.inUse(A)).toBe(1);
    permit.release();
    expect(limiter.inUse(A)).toBe(0);
  });

  it('rejects at once when the signal is already aborted and no permit is free', async () => {
    const limiter = new DestinationLimiter(1);
    limiter.tryAcquire(A);
    const controller = new AbortController();
    controller.abort();
    await expect(limiter.acquire(A, controller.signal)).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(limiter.waiting).toBe(0);
  });

  it('keeps a granted permit when the signal aborts after the grant', async () => {
    const limiter = new DestinationLimiter(1);
    const held = limiter.tryAcquire(A)!;
    const controller = new AbortController();
    const waiter = limiter.acquire(A, controller.signal);
    held.release();
    const permit = await waiter;
    controller.abort();
    await settle();
    expect(limiter.inUse(A)).toBe(1);
    permit.release();
    expect(limiter.inUse(A)).toBe(0);
  });

  it('expects no wait while a permit is free', () => {
    const limiter = new DestinationLimiter(2);
    expect(limiter.expectedWaitMs(A)).toBe(0);
    limiter.tryAcquire(A);
    expect(limiter.expectedWaitMs(A)).toBe(0);
  });

  it('expects a wait of one turn per cap-full of waiters ahead, times the average hold', () => {
    let now = 0;
    const limiter = new DestinationLimiter(2, () => now);
    // Permits held 100 ms, then 300 ms: the average moves 20 % towards each new hold.
    const first = limiter.tryAcquire(A)!;
    const second = limiter.tryAcquire(A)!;
    now = 100;
    first.release();
    limiter.tryAcquire(A);
    now = 300;
    second.release();
    limiter.tryAcquire(A);
    // 100, then 100 + 0.2 × (300 − 100) = 140; the permits held now are 0 and 200 ms old.
    expect(limiter.expectedWaitMs(A)).toBe(140);

    // Two already waiting: a newcomer would be third in line, with a cap of 2 the second turn.
    void limiter.acquire(A);
    void limiter.acquire(A);
    expect(limiter.expectedWaitMs(A)).toBe(280);
  });

  it('counts a destination that stopped answering as slow: the hold is at least the youngest age', () => {
    let now = 0;
    const limiter = new DestinationLimiter(2, () => now);
    limiter.tryAcquire(A);
    now = 4_000;
    limiter.tryAcquire(A);
    now = 10_000;
    // No permit was ever released; both are held, the younger for 6 s.
    expect(limiter.expectedWaitMs(A)).toBe(6_000);
  });

  it('forgets a destination once nothing is in flight, its hold average too', () => {
    let now = 0;
    const limiter = new DestinationLimiter(1, () => now);
    const slow = limiter.tryAcquire(A)!;
    now = 30_000;
    slow.release();
    limiter.tryAcquire(A);
    // A 30 s hold would be remembered by a busy line; this one was idle in between.
    expect(limiter.expectedWaitMs(A)).toBe(0);
  });

  it('refuses a cap below 1', () => {
    expect(() => new DestinationLimiter(0)).toThrow(RangeError);
  });
});
