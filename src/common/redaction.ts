/**
 * Secrets that users put in webhook definitions must never come back out of the API or land
 * in logs. Redaction is by default, not by guessing names: a header called `X-Webhook-Key`,
 * `X-Sig` or `Api` is as likely to hold a credential as `Authorization`. So every header
 * value is hidden except those of a short allow-list of content-negotiation headers, and in
 * URLs the whole userinfo (user name included) and every query value are hidden.
 * Whatever is hidden here is also what is stored encrypted (see `docs/security.md`).
 */
export const REDACTED = '[REDACTED]';

/**
 * Header values that describe the content, never a credential. `User-Agent` would belong
 * here but is set by the scheduler (`reserved-headers.ts`).
 */
export const DISPLAYED_HEADERS: ReadonlySet<string> = new Set([
  'accept',
  'accept-encoding',
  'accept-language',
  'cache-control',
  'content-encoding',
  'content-language',
  'content-type',
]);

export function isDisplayedHeader(name: string): boolean {
  return DISPLAYED_HEADERS.has(name.toLowerCase());
}

export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      isDisplayedHeader(name) ? value : REDACTED,
    ]),
  );
}

/** One `&`-separated piece of a query string, as written and decoded. */
export interface QueryPiece {
  /** As it appears in the URL (percent-encoded). */
  raw: string;
  /** Decoded name, or `null` for a piece without `=` (`?token`), which is all value. */
  name: string | null;
  /** Decoded value; for a piece without `=`, the whole piece. */
  value: string;
}

/** `search` as `URL.search` gives it (with or without the leading `?`). */
export function splitQuery(search: string): QueryPiece[] {
  const query = search.startsWith('?') ? search.slice(1) : search;
  if (query === '') return [];
  return query.split('&').map((raw) => {
    const equals = raw.indexOf('=');
    if (equals === -1) return { raw, name: null, value: decodeFormComponent(raw) };
    return {
      raw,
      name: decodeFormComponent(raw.slice(0, equals)),
      value: decodeFormComponent(raw.slice(equals + 1)),
    };
  });
}

/**
 * The URL with its userinfo replaced by one `[REDACTED]` (whether it held a user name, a
 * password or both is hidden too) and every query value by `[REDACTED]`; a piece without
 * `=` is all value. Query names, host and path stay readable. Redacting an already redacted
 * URL changes nothing.
 */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return REDACTED;
  }
  const userinfo = url.username !== '' || url.password !== '' ? `${REDACTED}@` : '';
  const pieces = splitQuery(url.search).map((piece) => {
    if (piece.raw === '') return '';
    if (piece.name === null) return REDACTED;
    return `${piece.raw.slice(0, piece.raw.indexOf('='))}=${REDACTED}`;
  });
  const query = pieces.length === 0 ? '' : `?${pieces.join('&')}`;
  return `${url.protocol}//${userinfo}${url.host}${url.pathname}${query}`;
}

/** Percent-decoding that leaves a stray `%` as it is instead of throwing. */
export function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function decodeFormComponent(value: string): string {
  return safeDecode(value.replaceAll('+', ' '));
}
