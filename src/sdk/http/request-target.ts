/**
 * The path and query of an HTTP request-target, from the bytes a peer sent: origin-form (`/chat?x=1`)
 * or absolute-form (`http://host/chat?x=1`). Any other form, an absolute-form whose host does not
 * parse (`http://[/`), or a path with a broken %-escape is a string saying why: the caller answers
 * 400. Nothing here throws, whatever the peer sent. The path stays as sent (request-path.ts decodes
 * and normalises it, for the gateway's access rules).
 */
export interface RequestTarget {
  /** As sent (not normalised, not decoded), `/` when an absolute-form has no path. */
  readonly path: string;
  /** What follows the first `?`, without it; empty when there is none. */
  readonly query: string;
}

// The schemes of an absolute-form target a server must accept (RFC 9112 §3.2.2); `ws` and `wss`
// because a WebSocket client may write its own URL there.
const ABSOLUTE = /^(?:https?|wss?):\/\/([^/?#]*)/i;
// RFC 3986's pct-encoded is `%` and two hex digits: anything else makes decoding the path throw.
const BAD_ESCAPE = /%(?![0-9a-f]{2})/i;
const MAX_QUOTED = 80;

/**
 * A peer's text in a message: quoted, and cut short at `max` characters, so that a 16 kB request
 * line does not become a 16 kB log line.
 */
export const quote = (text: string, max = MAX_QUOTED): string => JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);

/** The path and query of a request-target, or why it is malformed (an HTTP 400 reason that quotes nothing the peer sent). */
export function parseRequestTarget(target: string | undefined): RequestTarget | string {
  let rest = target ?? '/';
  if (!rest.startsWith('/')) {
    const absolute = ABSOLUTE.exec(rest);
    if (absolute === null) return 'expected a path starting with "/" or an absolute http(s) or ws(s) URL';
    const authority = absolute[1]!;
    if (authority === '' || !URL.canParse(`http://${authority}/`)) return 'the host of the absolute URL is not valid';
    rest = rest.slice(absolute[0].length);
    if (!rest.startsWith('/')) rest = `/${rest}`;
  }
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf('?');
  const path = q < 0 ? rest : rest.slice(0, q);
  if (BAD_ESCAPE.test(path)) return 'malformed percent-encoding in the path';
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
