/**
 * The path and query of an HTTP request-target, from the bytes a peer sent: origin-form (`/chat?x=1`)
 * or absolute-form (`http://host/chat?x=1`, which RFC 9112 §3.2.2 says a server must accept). Any
 * other form, or an absolute-form whose URL does not parse (`http://[/`), is a string saying why:
 * the caller answers 400. Nothing here throws, whatever the peer sent.
 */
export interface RequestTarget {
  /** As sent (not normalised, not decoded), `/` when an absolute-form has no path. */
  readonly path: string;
  /** What follows the first `?`, without it; empty when there is none. */
  readonly query: string;
}

const ABSOLUTE = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i;
const MAX_QUOTED = 80;
const BAD_ESCAPE = /%(?![0-9a-f]{2})/i;

/** A peer's text in a message: quoted, and cut short, so that a 16 kB request line does not become a 16 kB log line. */
export const quote = (text: string): string => JSON.stringify(text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text);

export function parseRequestTarget(target: string | undefined): RequestTarget | string {
  const text = target ?? '/';
  let rest: string;
  if (text.startsWith('/')) rest = text;
  else {
    const authority = ABSOLUTE.exec(text);
    // Quoted without its query, which may hold a credential (access_token=...).
    if (authority === null || !URL.canParse(text)) return `expected a request-target like /path or http://host/path, received ${quote(text.split('?', 1)[0]!)}`;
    rest = text.slice(authority[0].length);
    if (!rest.startsWith('/')) rest = `/${rest}`;
  }
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  const path = q < 0 ? rest : rest.slice(0, q);
  // RFC 3986's pct-encoded is % and two hex digits: anything else makes decoding the path throw.
  if (BAD_ESCAPE.test(path)) return `expected %XX escapes in the path, received ${quote(path)}`;
  return { path, query: q < 0 ? '' : rest.slice(q + 1) };
}

/** The `?query` of a request-target, or nothing: for the parameters of a URL that may not parse. */
export function queryOf(target: string | undefined): URLSearchParams {
  const text = target ?? '';
  const q = text.indexOf('?');
  if (q < 0) return new URLSearchParams();
  const hash = text.indexOf('#', q);
  // URLSearchParams decodes leniently (bad escapes and bad UTF-8 become U+FFFD): it never throws.
  return new URLSearchParams(hash < 0 ? text.slice(q + 1) : text.slice(q + 1, hash));
}
