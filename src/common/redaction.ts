/**
 * Secrets that users put in webhook definitions must never come back out of the API or
 * land in logs. What counts as a secret is judged by name, so it errs on the side of hiding.
 */
export const REDACTED = '[REDACTED]';

const SECRET_NAME =
  /(^authorization$|^proxy-authorization$|^cookie$|token|secret|passw|api[-_]?key|signature|credential|session|auth)/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

export function redactHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [name, isSecretName(name) ? REDACTED : value]),
  );
}

/** Hides the password of `user:password@host` and the values of secret-looking query params. */
export function redactUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return REDACTED;
  }
  if (url.password) url.password = REDACTED;
  for (const name of [...url.searchParams.keys()]) {
    if (isSecretName(name)) url.searchParams.set(name, REDACTED);
  }
  return url.toString();
}
