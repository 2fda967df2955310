/**
 * Header names a job cannot set. The first eight are the webhook contract (brief, "The webhook
 * request", with the Standard Webhooks signature headers); the rest frame the request and belong to the HTTP client. The API rejects them
 * (`src/jobs/dto/http-validators.ts`) and the worker drops them
 * (`src/execution/webhook-request.ts`), so that a row written before that rule, or by hand,
 * still cannot break receivers' deduplication or the framing of the request.
 */
export const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  'x-job-id',
  'x-execution-id',
  'x-scheduled-at',
  'x-attempt',
  'user-agent',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'proxy-connection',
]);
