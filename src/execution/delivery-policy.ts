import type { ExecutionType, RetryPolicy } from '../database/entities/job.entity.js';
import type { AttemptStatus } from './execution.repository.js';
import { RESPONSE_BODY_CAP_BYTES } from './webhook-client.js';
import type { PartialResponse, WebhookOutcome } from './webhook-client.js';

/**
 * What an attempt's outcome means for delivery (brief, "The webhook request"). `retryable`
 * says another attempt could succeed; whether one is made is the execution type's call
 * (AT_MOST_ONCE never resends an outcome with `requestSent`). `not-allowed`: the SSRF guard
 * refused the destination; issue 7 gives it its own rule (see `decideAttemptStatus`).
 */
export type OutcomeClass = 'success' | 'retryable' | 'final' | 'not-allowed';

/**
 * The longest `Retry-After` honoured: 1 hour. Longer values are more often a bug (milliseconds
 * sent as seconds, a date in the wrong zone) than a plan, and an execution parked for longer
 * would be overtaken by the next occurrences of any hourly or more frequent job.
 */
export const MAX_RETRY_AFTER_MS = 3_600_000;

export function classifyOutcome(outcome: WebhookOutcome): OutcomeClass {
  switch (outcome.kind) {
    case 'response':
      return classifyStatus(outcome.status);
    case 'timeout':
    case 'network-error':
      return 'retryable';
    case 'aborted':
      // The worker is shutting down; the receiver did nothing wrong.
      return 'retryable';
    case 'not-allowed':
      return 'not-allowed';
  }
}

export interface AttemptContext {
  executionType: ExecutionType;
  /** Attempts made within the current retry budget, this one included (1-based). */
  attemptsUsed: number;
  maxAttempts: number;
}

/**
 * The execution's status after an attempt.
 *
 * - AT_LEAST_ONCE retries what is retryable while attempts remain.
 * - AT_MOST_ONCE retries only a failure that certainly happened before the request left
 *   (e.g. connection refused): anything that may have reached the receiver is final.
 * - A destination the SSRF guard refused was never sent either, yet AT_MOST_ONCE ends
 *   FAILED at once (issue 7): the refusal is the operator's policy, not a network hiccup
 *   that the next attempt may miss, and an AT_MOST_ONCE job asks for a prompt verdict.
 *   AT_LEAST_ONCE keeps its promise to persist: it is retried per its policy (the name may
 *   resolve elsewhere by then, or the operator may allow the range), then dead-lettered.
 */
export function decideAttemptStatus(
  context: AttemptContext,
  outcome: WebhookOutcome,
): AttemptStatus {
  const verdict = classifyOutcome(outcome);
  if (verdict === 'success') return 'SUCCEEDED';
  const attemptsLeft = context.attemptsUsed < context.maxAttempts;
  if (verdict === 'final' || !attemptsLeft) return 'FAILED';
  if (verdict === 'not-allowed') {
    return context.executionType === 'AT_LEAST_ONCE' ? 'RETRYING' : 'FAILED';
  }
  if (context.executionType === 'AT_LEAST_ONCE') return 'RETRYING';
  const neverSent = outcome.kind !== 'response' && !outcome.requestSent;
  return neverSent ? 'RETRYING' : 'FAILED';
}

export function classifyStatus(status: number): OutcomeClass {
  if (status >= 200 && status <= 299) return 'success';
  // 408 and 429 ask to come back later; 5xx is the receiver's own failure.
  if (status === 408 || status === 429) return 'retryable';
  if (status >= 500 && status <= 599) return 'retryable';
  // Other 4xx will not change by resending the same request; a 3xx is not followed, so it is
  // the receiver's answer. Anything outside 200-599 is a broken receiver: also final.
  return 'final';
}

/**
 * Milliseconds to wait before the attempt after `attempt` (1-based, the one that just failed).
 *
 * Exponential: `initialBackoffMs * 2^(attempt-1)`, capped at `maxBackoffMs`, with full jitter
 * (uniform in [0, that ceiling]), as the job's retry policy documents. Full rather than
 * "equal" jitter ([ceiling/2, ceiling]) because the retries that collide are those of many
 * jobs pointed at one receiver that failed for all of them at once; spreading them over the
 * whole window does the least total work while it recovers (AWS Architecture Blog,
 * "Exponential Backoff And Jitter", 2015). An early retry costs little: the next window
 * doubles.
 *
 * A `Retry-After` (already in ms) is a floor, not jittered: the receiver said when. It is
 * capped at `MAX_RETRY_AFTER_MS`, and may exceed `maxBackoffMs`, which bounds only our own
 * guess.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs: number | null,
  random: () => number,
): number {
  // 2^52 times any backoff is far beyond any cap; a larger exponent would only risk
  // `0 * Infinity = NaN` for a zero initial backoff.
  const exponent = Math.min(Math.max(attempt, 1) - 1, 52);
  const ceiling = Math.max(
    0,
    Math.min(policy.initialBackoffMs * 2 ** exponent, policy.maxBackoffMs),
  );
  const jittered = Math.round(Math.min(Math.max(random(), 0), 1) * ceiling);
  if (retryAfterMs === null) return jittered;
  return Math.max(jittered, Math.min(Math.max(retryAfterMs, 0), MAX_RETRY_AFTER_MS));
}

/**
 * The execution's recorded `error` for an attempt that did not succeed. Log-safe. An attempt
 * whose status line arrived but whose body did not complete says so, with the status and the
 * bytes that came: "timeout after 5000 ms, during the body of HTTP 200 (512 bytes received;
 * request sent)".
 */
export function errorSummary(outcome: WebhookOutcome): string {
  switch (outcome.kind) {
    case 'response':
      return `HTTP ${outcome.status}${responseNotes(outcome.status, outcome.bodyTruncated)}`;
    case 'timeout':
      return `timeout after ${outcome.timeoutMs} ms${unfinishedNote(outcome)}`;
    case 'network-error':
      return `${outcome.error}${unfinishedNote(outcome)}`;
    case 'aborted':
      return `aborted by worker shutdown after ${outcome.durationMs} ms${unfinishedNote(outcome)}`;
    case 'not-allowed':
      return `${outcome.error} (request not sent)`;
  }
}

function responseNotes(status: number, bodyTruncated: boolean): string {
  const notes: string[] = [];
  if (status >= 300 && status <= 399) notes.push('redirects are not followed');
  if (bodyTruncated) notes.push(`body cut at ${RESPONSE_BODY_CAP_BYTES} bytes`);
  return notes.length === 0 ? '' : ` (${notes.join('; ')})`;
}

function unfinishedNote(outcome: {
  requestSent: boolean;
  partialResponse: PartialResponse | null;
}): string {
  const sent = outcome.requestSent ? 'request sent' : 'request not sent';
  const partial = outcome.partialResponse;
  if (partial === null) return ` (${sent})`;
  return `, during the body of HTTP ${partial.status} (${partial.receivedBytes} bytes received; ${sent})`;
}
