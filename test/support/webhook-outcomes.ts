import { expect } from '@jest/globals';
import type { WebhookOutcome } from '../../src/execution/webhook-client.js';

/** Asserts the outcome's kind and narrows it, so a test reads that kind's fields directly. */
export function expectKind<K extends WebhookOutcome['kind']>(
  outcome: WebhookOutcome,
  kind: K,
): Extract<WebhookOutcome, { kind: K }> {
  expect(outcome.kind).toBe(kind);
  return outcome as Extract<WebhookOutcome, { kind: K }>;
}
