/**
 * The destination an attempt goes to, as the per-destination protections see it: the URL's
 * origin (scheme, host and port; the default port left out, as the WHATWG URL standard
 * serialises it), e.g. `https://hooks.example.com` or `http://127.0.0.1:8080`. It carries no
 * userinfo, path or query, so it is safe to log and to put in an execution's `error`.
 *
 * null for what is not an http(s) URL: the webhook client reports those as never sent, and
 * no destination is to blame.
 */
export function destinationOf(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
}
