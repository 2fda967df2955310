import { customValidator } from '../../common/custom-validator.js';
import { RESERVED_HEADERS } from '../../common/reserved-headers.js';

export const MAX_HEADERS = 50;
export const MAX_HEADER_VALUE_LENGTH = 4096;
export const MAX_HTTP_BODY_BYTES = 64 * 1024;
export const MAX_URL_LENGTH = 2048;

/** RFC 9110 token characters. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;

/**
 * Outside RFC 9110 field-value characters (HTAB, SP, visible ASCII, obs-text 0x80-0xFF): the
 * same set undici enforces when it sends, so a value it would refuse (and fail every attempt
 * with) is refused here instead. CR and LF are among them: they would smuggle another header.
 * Characters above U+00FF are too: undici writes header values as Latin-1.
 */
const HEADER_VALUE_FORBIDDEN = /[^\t\x20-\x7e\x80-\xff]/;

function headersProblem(value: unknown, field: string): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return `${field} must be an object of header names to string values`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_HEADERS) return `${field} must have at most ${MAX_HEADERS} headers`;
  for (const [name, headerValue] of entries) {
    if (!HEADER_NAME.test(name))
      return `${field} has an invalid header name ${JSON.stringify(name)}`;
    if (RESERVED_HEADERS.has(name.toLowerCase())) {
      return `${field}.${name} is set by the scheduler and cannot be overridden`;
    }
    if (typeof headerValue !== 'string') return `${field}.${name} must be a string`;
    if (headerValue.length > MAX_HEADER_VALUE_LENGTH) {
      return `${field}.${name} must be at most ${MAX_HEADER_VALUE_LENGTH} characters`;
    }
    const bad = HEADER_VALUE_FORBIDDEN.exec(headerValue);
    if (bad !== null) {
      // The value itself is not repeated: header values are where credentials live.
      const code = headerValue.charCodeAt(bad.index).toString(16).toUpperCase().padStart(4, '0');
      return `${field}.${name} must contain only visible ASCII, Latin-1 letters, space or tab (U+${code} at index ${bad.index})`;
    }
  }
  return undefined;
}

function bodyProblem(value: unknown, field: string): string | undefined {
  const serialized = typeof value === 'string' ? value : JSON.stringify(value);
  if (serialized === undefined) return `${field} must be a string or JSON value`;
  if (Buffer.byteLength(serialized) > MAX_HTTP_BODY_BYTES) {
    return `${field} must be at most ${MAX_HTTP_BODY_BYTES} bytes`;
  }
  return undefined;
}

function urlProblem(value: unknown, field: string): string | undefined {
  if (typeof value !== 'string') return `${field} must be a string`;
  if (value.length > MAX_URL_LENGTH) return `${field} must be at most ${MAX_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${field} must be an absolute http or https URL`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `${field} must use http or https (got ${url.protocol.replace(':', '')})`;
  }
  if (url.hostname === '') return `${field} must have a host`;
  if (url.hash !== '') return `${field} must not have a fragment`;
  return undefined;
}

export const IsHttpHeaders = customValidator('isHttpHeaders', headersProblem);
export const IsHttpBody = customValidator('isHttpBody', bodyProblem);
export const IsWebhookUrl = customValidator('isWebhookUrl', urlProblem);
