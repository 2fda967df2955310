import { expect } from '@jest/globals';
import type { ReceivedRequest } from './webhook-receiver.js';

/** Each second from the first to the last delivery is there exactly once. */
export function expectEverySecondOnce(deliveries: readonly ReceivedRequest[]): void {
  const instants = deliveries.map((d) => Date.parse(d.scheduledAt)).sort((a, b) => a - b);
  expect(new Set(instants).size).toBe(instants.length);
  const first = instants[0]!;
  const last = instants.at(-1)!;
  expect(instants).toEqual(
    Array.from({ length: (last - first) / 1000 + 1 }, (_, i) => first + i * 1000),
  );
}
