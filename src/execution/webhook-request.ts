import type { HttpBody, HttpMethod } from '../database/entities/job.entity.js';
import { RESERVED_HEADERS } from '../common/reserved-headers.js';

export interface WebhookRequestInput {
  jobId: string;
  /** The same on every attempt of one execution, so receivers can deduplicate (invariant 5). */
  executionId: string;
  scheduledAt: Date;
  /** 1-based. */
  attempt: number;
  method: HttpMethod;
  url: string;
  headers: Readonly<Record<string, string>>;
  body: HttpBody | null;
  /** The service's version, sent as `User-Agent: job-scheduler/<version>`. */
  version: string;
}

/** One attempt's request, exactly as `WebhookClient` puts it on the wire. */
export interface WebhookRequest {
  method: HttpMethod;
  /** Never carries userinfo: credentials in the job's URL travel as an `Authorization` header. */
  url: string;
  headers: Record<string, string>;
  body: string | undefined;
}

export function buildWebhookRequest(input: WebhookRequestInput): WebhookRequest {
  if (!Number.isInteger(input.attempt) || input.attempt < 1) {
    throw new RangeError(`attempt must be an integer >= 1, got ${input.attempt}`);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers)) {
    if (!RESERVED_HEADERS.has(name.toLowerCase())) headers[name] = value;
  }

  const { url, authorization } = splitCredentials(input.url);
  if (authorization !== undefined && !hasHeader(headers, 'authorization')) {
    headers['Authorization'] = authorization;
  }

  let body: string | undefined;
  if (typeof input.body === 'string') {
    body = input.body;
  } else if (input.body !== null) {
    body = JSON.stringify(input.body);
    if (!hasHeader(headers, 'content-type')) headers['Content-Type'] = 'application/json';
  }

  headers['X-Job-Id'] = input.jobId;
  headers['X-Execution-Id'] = input.executionId;
  headers['X-Scheduled-At'] = input.scheduledAt.toISOString();
  headers['X-Attempt'] = String(input.attempt);
  headers['User-Agent'] = `job-scheduler/${input.version}`;

  return { method: input.method, url, headers, body };
}

function hasHeader(headers: Readonly<Record<string, string>>, lowerCaseName: string): boolean {
  return Object.keys(headers).some((name) => name.toLowerCase() === lowerCaseName);
}

/**
 * `https://user:pass@host/` is how curl users write Basic auth; the HTTP client connects to
 * the origin and would silently drop it. Turning it into a header keeps the job working and
 * keeps the secret out of every URL the worker logs or records.
 */
function splitCredentials(raw: string): { url: string; authorization: string | undefined } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    // The client reports an unparsable URL as a failure that was never sent.
    return { url: raw, authorization: undefined };
  }
  if (url.username === '' && url.password === '') return { url: raw, authorization: undefined };
  const credentials = `${percentDecode(url.username)}:${percentDecode(url.password)}`;
  url.username = '';
  url.password = '';
  return {
    url: url.toString(),
    authorization: `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`,
  };
}

function percentDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    // A stray `%` that is not an escape: the user meant the character itself.
    return value;
  }
}
