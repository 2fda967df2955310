import { InvalidRequestError } from '../common/invalid-request.error.js';
import { REDACTED, safeDecode, splitQuery } from '../common/redaction.js';
import type { QueryPiece } from '../common/redaction.js';

/**
 * Clients edit a job by sending back what GET returned, redacted values included. A
 * `[REDACTED]` sent back therefore means "keep the value you have", never the literal text:
 * per header name (case-insensitive), for the URL's userinfo as a whole, and per query value
 * (the n-th `key=` of the new URL keeps the stored n-th `key=`). A placeholder with no stored
 * value to keep is a 400 naming the field; storing it would send `[REDACTED]` to the receiver.
 */
export function keepRedactedHeaders(
  incoming: Readonly<Record<string, string>>,
  stored: Readonly<Record<string, string>>,
): Record<string, string> {
  const storedByName = new Map(
    Object.entries(stored).map(([name, value]) => [name.toLowerCase(), value]),
  );
  return Object.fromEntries(
    Object.entries(incoming).map(([name, value]) => {
      if (value !== REDACTED) return [name, value];
      const kept = storedByName.get(name.toLowerCase());
      if (kept === undefined) {
        throw new InvalidRequestError(
          `httpHeaders.${name}`,
          `httpHeaders.${name} is ${REDACTED} but the job has no stored value for it to keep; send the real value`,
        );
      }
      return [name, kept];
    }),
  );
}

/** `stored` is the job's real URL, or `null` when creating. Returns the URL to store. */
export function keepRedactedUrlParts(incoming: string, stored: string | null): string {
  const url = new URL(incoming);
  const storedUrl = stored === null ? null : new URL(stored);
  let changed = false;

  const user = safeDecode(url.username);
  const password = safeDecode(url.password);
  if (user === REDACTED && password === '') {
    if (!storedUrl || (storedUrl.username === '' && storedUrl.password === '')) {
      throw new InvalidRequestError(
        'httpUrl',
        `httpUrl has ${REDACTED} credentials but the job has none stored to keep; send the real user name and password`,
      );
    }
    url.username = storedUrl.username;
    url.password = storedUrl.password;
    changed = true;
  } else if (user.includes(REDACTED) || password.includes(REDACTED)) {
    throw new InvalidRequestError(
      'httpUrl',
      `httpUrl credentials must be sent back exactly as returned (${REDACTED}@) to keep them, or whole to replace them`,
    );
  }

  const storedPieces = storedUrl ? splitQuery(storedUrl.search) : [];
  const seen = new Map<string | null, number>();
  const pieces = splitQuery(url.search).map((piece) => {
    const occurrence = seen.get(piece.name) ?? 0;
    seen.set(piece.name, occurrence + 1);
    if (piece.value !== REDACTED) return piece.raw;
    const kept = storedPieces.filter((candidate) => candidate.name === piece.name)[occurrence];
    if (kept === undefined) {
      throw new InvalidRequestError(
        'httpUrl',
        `httpUrl ${describePiece(piece)} is ${REDACTED} but the job has no stored value for it to keep; send the real value`,
      );
    }
    changed = true;
    return kept.raw;
  });
  if (!changed) return incoming;
  url.search = pieces.join('&');
  return url.href;
}

function describePiece(piece: QueryPiece): string {
  return piece.name === null ? 'query part' : `query parameter ${JSON.stringify(piece.name)}`;
}
