import type { IncomingHttpHeaders } from 'node:http';
import { Agent } from 'undici';
import type { Dispatcher } from 'undici';
import { SystemClock } from '../common/clock.js';
import type { Clock } from '../common/clock.js';
import { DestinationNotAllowedError } from '../outbound/destination-not-allowed.error.js';
import { DestinationPolicy } from '../outbound/destination-policy.js';
import { guardedConnector } from './guarded-connector.js';
import type { WebhookRequest } from './webhook-request.js';

/**
 * What had arrived of a response whose body never completed: its status line said one thing,
 * but the receiver stalled, reset or was cut off before the body ended. Kept so that history
 * can say what happened; it is not an answer.
 */
export interface PartialResponse {
  status: number;
  /** Body bytes received before the attempt ended. */
  receivedBytes: number;
  /** The first `RESPONSE_EXCERPT_BYTES` of what arrived, decoded as UTF-8. */
  bodyExcerpt: string;
}

/**
 * What one attempt ended with. A `response` is a status line whose body ended, or grew past
 * `RESPONSE_BODY_CAP_BYTES`, within the timeout; anything else is a `timeout`, `network-error`
 * or `aborted`, whatever status line came before (`partialResponse`).
 *
 * `requestSent` separates a clean "never reached the receiver" (safe to send again, even for
 * AT_MOST_ONCE) from an ambiguous outcome where the receiver may have acted on it
 * (invariant 4). When in doubt it is `true`.
 */
export type WebhookOutcome =
  | {
      kind: 'response';
      status: number;
      durationMs: number;
      /** The first `RESPONSE_EXCERPT_BYTES` of the body, decoded as UTF-8. */
      bodyExcerpt: string;
      /** The body grew past `RESPONSE_BODY_CAP_BYTES`; the rest was not read. */
      bodyTruncated: boolean;
      /** From `Retry-After` (delta-seconds or HTTP-date); `null` if absent or unparsable. */
      retryAfterMs: number | null;
    }
  | {
      kind: 'timeout';
      durationMs: number;
      timeoutMs: number;
      requestSent: boolean;
      partialResponse: PartialResponse | null;
    }
  | {
      kind: 'network-error';
      durationMs: number;
      error: string;
      requestSent: boolean;
      partialResponse: PartialResponse | null;
    }
  | {
      kind: 'aborted';
      durationMs: number;
      requestSent: boolean;
      partialResponse: PartialResponse | null;
    }
  /**
   * The SSRF guard refused every way to the destination at connect time (a literal internal
   * address, or a name that resolved to one): no socket was opened, nothing was sent.
   * `error` is the guard's log-safe message, naming the address and its class.
   */
  | {
      kind: 'not-allowed';
      durationMs: number;
      error: string;
      requestSent: false;
      partialResponse: null;
    };

export interface SendOptions {
  /**
   * Deadline for the whole attempt: waiting for a free connection, connecting, sending, the
   * response headers and the body up to its end (or up to the cap). A status line that
   * arrived in time is not enough: a body still arriving at the deadline makes the attempt a
   * `timeout` (a receiver that answers 200 and then stalls is not a success).
   */
  timeoutMs: number;
  /** Aborted by the worker's shutdown; the attempt ends as `aborted`. */
  signal?: AbortSignal;
}

export interface WebhookClientOptions {
  /**
   * Sockets kept per origin. Attempts beyond it wait for a free one, and that wait counts
   * against their timeout. Default 10, the default `WORKER_POOL_SIZE`: a worker never has
   * more calls in flight than that, so by default nothing queues.
   */
  connectionsPerOrigin?: number;
  /** How long an idle socket is kept for the next call to the same origin. Default 4000. */
  keepAliveTimeoutMs?: number;
  /** Reference time for a `Retry-After` date when the response has no `Date` header. */
  clock?: Clock;
  /**
   * Which addresses may be connected to (the SSRF guard). Default: public unicast only;
   * the worker passes the one built from `WEBHOOK_ALLOW_PRIVATE_NETWORKS` and
   * `WEBHOOK_ALLOWED_CIDRS`.
   */
  destinations?: DestinationPolicy;
}

/**
 * 2 KiB: enough for the status line of an error page or a JSON problem document, and small
 * enough to store with every attempt (executions × attempts rows).
 */
export const RESPONSE_EXCERPT_BYTES = 2048;

/**
 * The most of a response body that is read: 64 KiB. Beyond the excerpt the bytes are thrown
 * away as they arrive; a body that ends within the cap leaves the socket reusable, which costs
 * less than a new TCP (and TLS) handshake. A longer or endless body closes the socket once it
 * passes the cap, and the status line is the answer (a 2xx cut there is a success). What one
 * attempt holds is the 2 KiB excerpt plus the chunk in hand, never the body.
 */
export const RESPONSE_BODY_CAP_BYTES = 64 * 1024;

/**
 * Sends webhook attempts over one undici `Agent`: keep-alive sockets, at most
 * `connectionsPerOrigin` per origin, no redirects (undici 7 follows them only through its
 * redirect interceptor, which is not installed: a 3xx is the receiver's final answer, so a
 * `Location` pointing inside the network is never visited), and every new connection
 * judged by the SSRF guard (`guardedConnector`). `send` never throws for HTTP or network
 * failures; it describes them.
 */
export class WebhookClient {
  private readonly agent: Agent;
  private readonly clock: Clock;

  constructor(options: WebhookClientOptions = {}) {
    this.clock = options.clock ?? new SystemClock();
    this.agent = new Agent({
      connections: options.connectionsPerOrigin ?? 10,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 4_000,
      // The body is bounded by `ResponseCollector` itself, with a reusable socket when small.
      maxResponseSize: -1,
      connect: guardedConnector(options.destinations ?? DestinationPolicy.publicOnly()),
    });
  }

  send(request: WebhookRequest, options: SendOptions): Promise<WebhookOutcome> {
    const startedAt = performance.now();
    const elapsed = (): number => Math.round(performance.now() - startedAt);

    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return Promise.resolve(notSent(elapsed(), 'invalid URL'));
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return Promise.resolve(notSent(elapsed(), `unsupported protocol ${url.protocol}`));
    }
    if (options.signal?.aborted) {
      return Promise.resolve({
        kind: 'aborted',
        durationMs: elapsed(),
        requestSent: false,
        partialResponse: null,
      });
    }

    return new Promise<WebhookOutcome>((resolve) => {
      const collector = new ResponseCollector({
        url,
        timeoutMs: options.timeoutMs,
        signal: options.signal,
        elapsed,
        now: () => this.clock.now().getTime(),
        resolve,
      });
      this.agent.dispatch(
        {
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: request.method,
          headers: request.headers,
          body: request.body ?? null,
          // Our own timer bounds the attempt; undici's per-phase timers start later, so with
          // the same value they never fire first and only back it up.
          headersTimeout: options.timeoutMs,
          bodyTimeout: options.timeoutMs,
        },
        collector,
      );
    });
  }

  /** Waits for in-flight attempts; abort their signals first for a fast shutdown. */
  async close(): Promise<void> {
    await this.agent.close();
  }
}

function notSent(durationMs: number, error: string): WebhookOutcome {
  return { kind: 'network-error', durationMs, error, requestSent: false, partialResponse: null };
}

interface CollectorParams {
  url: URL;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  elapsed: () => number;
  now: () => number;
  resolve: (outcome: WebhookOutcome) => void;
}

type StopReason = 'timeout' | 'aborted';

/**
 * Follows one attempt through undici's dispatch lifecycle. Dispatch rather than `request()`
 * because `onRequestStart` is the exact point where undici has a connected socket and is
 * about to write: a failure before it means the receiver cannot have seen the request.
 *
 * The outcome is settled once: at the end of the body, when the body passes the cap, or when
 * the attempt fails, times out or is aborted (then with what had arrived as
 * `partialResponse`). undici may keep working after that (reaching a request that was stopped
 * while queued) until `finish`.
 */
class ResponseCollector implements Dispatcher.DispatchHandler {
  private requestStarted = false;
  private controller: Dispatcher.DispatchController | null = null;
  private stopReason: StopReason | null = null;
  private settled = false;
  private finished = false;

  private status: number | null = null;
  private retryAfterMs: number | null = null;
  private readonly excerpt = Buffer.alloc(RESPONSE_EXCERPT_BYTES);
  private excerptLength = 0;
  private receivedBytes = 0;

  private readonly timer: NodeJS.Timeout;
  private readonly onSignalAbort = (): void => this.stop('aborted');

  constructor(private readonly params: CollectorParams) {
    // Kept until undici is done, not just until the outcome is settled: it also bounds how
    // long a request stopped while queued may wait for its socket.
    this.timer = setTimeout(() => this.stop('timeout'), params.timeoutMs);
    params.signal?.addEventListener('abort', this.onSignalAbort, { once: true });
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.stopReason !== null) {
      // Stopped while waiting for a socket and already reported as not sent: it must stay so.
      controller.abort(new Error(`webhook attempt stopped (${this.stopReason})`));
      return;
    }
    this.requestStarted = true;
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
  ): void {
    this.controller = controller;
    // 1xx are interim responses; the final one follows.
    if (statusCode < 200) return;
    this.status = statusCode;
    this.retryAfterMs = parseRetryAfter(
      firstValue(headers['retry-after']),
      firstValue(headers['date']),
      this.params.now(),
    );
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    this.receivedBytes += chunk.length;
    if (this.excerptLength < RESPONSE_EXCERPT_BYTES) {
      // Copied, not kept as a slice: a slice would pin the socket's whole read buffer.
      this.excerptLength += chunk.copy(this.excerpt, this.excerptLength);
    }
    if (this.receivedBytes > RESPONSE_BODY_CAP_BYTES) {
      // A Content-Length beyond the cap is not trusted to end early: the cap is measured on
      // what arrives, so the rule is the same with or without one.
      this.settleResponse(true);
      controller.abort(new Error('response body beyond the cap is not read'));
    }
  }

  onResponseEnd(): void {
    this.settleResponse(false);
    this.finish();
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    // Already settled when we cut the body at the cap or stopped the attempt ourselves.
    if (error instanceof DestinationNotAllowedError) {
      this.settle({
        kind: 'not-allowed',
        durationMs: this.params.elapsed(),
        error: error.message,
        requestSent: false,
        partialResponse: null,
      });
    } else if (isUndiciTimeout(error)) {
      this.settleTimeout();
    } else {
      this.settle({
        kind: 'network-error',
        durationMs: this.params.elapsed(),
        error: describeNetworkError(error, this.params.url),
        requestSent: this.requestStarted,
        partialResponse: this.partialResponse(),
      });
    }
    this.finish();
  }

  private settleTimeout(): void {
    this.settle({
      kind: 'timeout',
      durationMs: this.params.elapsed(),
      timeoutMs: this.params.timeoutMs,
      requestSent: this.requestStarted,
      partialResponse: this.partialResponse(),
    });
  }

  private stop(reason: StopReason): void {
    if (this.finished) return;
    if (this.stopReason === null) this.stopReason = reason;
    if (reason === 'timeout') {
      this.settleTimeout();
    } else {
      this.settle({
        kind: 'aborted',
        durationMs: this.params.elapsed(),
        requestSent: this.requestStarted,
        partialResponse: this.partialResponse(),
      });
    }
    // Destroys the socket, which frees the connection slot. Before `onRequestStart` there is
    // no controller yet; `onRequestStart` aborts the request before anything is written.
    this.controller?.abort(new Error(`webhook attempt stopped (${reason})`));
  }

  private partialResponse(): PartialResponse | null {
    if (this.status === null) return null;
    return {
      status: this.status,
      receivedBytes: this.receivedBytes,
      bodyExcerpt: this.decodedExcerpt(),
    };
  }

  private settleResponse(bodyTruncated: boolean): void {
    if (this.status === null) return;
    this.settle({
      kind: 'response',
      status: this.status,
      durationMs: this.params.elapsed(),
      bodyExcerpt: this.decodedExcerpt(),
      bodyTruncated,
      retryAfterMs: this.retryAfterMs,
    });
  }

  private decodedExcerpt(): string {
    return decodeExcerpt(this.excerpt.subarray(0, this.excerptLength));
  }

  private settle(outcome: WebhookOutcome): void {
    if (this.settled) return;
    this.settled = true;
    this.params.resolve(outcome);
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.timer);
    this.params.signal?.removeEventListener('abort', this.onSignalAbort);
  }
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function decodeExcerpt(bytes: Buffer): string {
  // `stream: true` holds back a multi-byte character cut at the 2 KiB boundary instead of
  // turning it into U+FFFD; the held-back bytes are simply never flushed.
  const text = new TextDecoder('utf-8').decode(bytes, { stream: true });
  // PostgreSQL text columns reject NUL, and a binary body is full of them.
  return text.replaceAll('\u0000', '\uFFFD');
}

/**
 * `Retry-After` as milliseconds from the response (RFC 9110 §10.2.3): delta-seconds, or an
 * HTTP-date. A date is measured against the response's own `Date` header when there is one,
 * so neither host's clock skew distorts it; otherwise against `nowMs`. A date in the past
 * means 0. Anything else is `null`: an unreadable hint is no hint.
 */
export function parseRetryAfter(
  value: string | undefined,
  responseDate: string | undefined,
  nowMs: number,
): number | null {
  if (value === undefined) return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, Number.MAX_SAFE_INTEGER);
  const retryAt = parseHttpDate(trimmed);
  if (retryAt === null) return null;
  const reference = (responseDate === undefined ? null : parseHttpDate(responseDate)) ?? nowMs;
  return Math.max(0, retryAt - reference);
}

/**
 * IMF-fixdate or the obsolete RFC 850 form, both in GMT. The asctime form has no zone and
 * `Date.parse` would read it in the host's local time, so it is not accepted.
 */
function parseHttpDate(value: string): number | null {
  if (!/ GMT$/.test(value.trim())) return null;
  const parsed = Date.parse(value);
  return Number.isFinite(parsed) ? parsed : null;
}

/** Node's connect/DNS errors carry a code; undici's carry a `UND_ERR_*` code. */
function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  if ('code' in error && typeof error.code === 'string') return error.code;
  // A failed connect to several addresses (Happy Eyeballs): the first attempt's code.
  return error instanceof AggregateError ? errorCode(error.errors[0]) : undefined;
}

function isUndiciTimeout(error: Error): boolean {
  const code = errorCode(error);
  return code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
}

const ERROR_LABELS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the receiver',
  EPIPE: 'connection closed by the receiver',
  UND_ERR_SOCKET: 'connection closed by the receiver',
  UND_ERR_CONNECT_TIMEOUT: 'connect timeout',
  ETIMEDOUT: 'connection timed out',
  ENOTFOUND: 'DNS lookup failed',
  EAI_AGAIN: 'DNS lookup failed (temporary)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_INVALID_ARG: 'invalid request',
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: 'invalid request',
};

/**
 * A short, log-safe description: a label for the common failures, then the library's own
 * words. Nothing of the URL but its origin and path may appear (userinfo and query string
 * can hold secrets), whatever the underlying library put in its message.
 */
export function describeNetworkError(error: unknown, url: URL): string {
  const code = errorCode(error);
  let detail = messageOf(error);
  if (detail === '' && code !== undefined) detail = code;
  detail = stripUrlSecrets(detail, url);
  const label = (code === undefined ? undefined : ERROR_LABELS[code]) ?? tlsLabel(code);
  if (label === undefined) return detail === '' ? 'network error' : detail;
  return detail === '' ? label : `${label}: ${detail}`;
}

function tlsLabel(code: string | undefined): string | undefined {
  if (code === undefined) return undefined;
  return /CERT|TLS|SSL/.test(code) ? 'TLS error' : undefined;
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // Node reports a failed Happy Eyeballs connect (several addresses) as an AggregateError
  // with an empty message; the first attempt's message says what happened.
  if (error.message === '' && error instanceof AggregateError) {
    const first: unknown = error.errors[0];
    return first instanceof Error ? first.message : '';
  }
  return error.message;
}

/** The URL as it may appear in logs and records: origin and path only. */
export function logSafeUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

function stripUrlSecrets(text: string, url: URL): string {
  let result = text.replaceAll(url.href, logSafeUrl(url));
  const secrets = [url.search, url.password, url.username].filter((secret) => secret.length > 0);
  for (const secret of secrets) result = result.replaceAll(secret, '[REDACTED]');
  return result;
}
