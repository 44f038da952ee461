import { quote } from '../../sdk/http/request-target.js';

/**
 * HTTP addresses as Tremor writes them: `http://host:port` or `https://host:port`, the port
 * defaulting to the scheme's (80, 443). A server given port 0 binds an ephemeral port.
 */
export interface HttpAddress {
  readonly secure: boolean;
  readonly host: string;
  readonly port: number;
  /** Path and query, `/` when absent. */
  readonly path: string;
}

export function parseHttpUrl(text: string): HttpAddress | string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `expected http://host:port or https://host:port, received ${JSON.stringify(text)}`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `expected an http:// or https:// url, received ${JSON.stringify(text)}`;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') return `expected a host in ${JSON.stringify(text)}`;
  const secure = url.protocol === 'https:';
  const port = url.port === '' ? (secure ? 443 : 80) : Number(url.port);
  return { secure, host, port, path: `${url.pathname}${url.search}` };
}

/**
 * The URL a request names: its request-target resolved against the Host it was sent to (the bound
 * address when the Host header is no valid host). The reason instead when the target itself is no
 * URL: an absolute-form target such as `http://[/` (RFC 9112 §3.2: answered 400).
 */
export function requestUrl(target: string, scheme: 'http' | 'https', host: string | undefined, bound: string): URL | string {
  if (host !== undefined) {
    try {
      return new URL(target, `${scheme}://${host}`);
    } catch {
      // A bad Host, or a bad target: which one, the bound address tells.
    }
  }
  try {
    return new URL(target, `${scheme}://${bound}`);
  } catch {
    return `the request-target ${quote(target, 200)} is not a valid URL`;
  }
}
