import { isIP } from 'node:net';

/**
 * Socket addresses as Tremor writes them: `host:port` or `SCHEME://host:port` (`tcp://`, `udp://`),
 * IPv6 hosts in brackets. Port 0 binds an ephemeral port. A path, query or user part is an error:
 * a socket address has none, and silently ignoring one hides a typo.
 */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export function parseHostPort(text: string, scheme: string): HostPort | string {
  const expected = `expected host:port or ${scheme}://host:port`;
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  let url: URL;
  try {
    url = new URL(hasScheme ? text : `${scheme}://${text}`);
  } catch {
    return `${expected}, received ${JSON.stringify(text)}`;
  }
  if (url.protocol !== `${scheme}:`) return `${expected}, received ${JSON.stringify(text)}`;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') return `expected a host in ${JSON.stringify(text)}`;
  // Non-special schemes keep the port as written (no default), so an absent one reads as ''.
  if (url.port === '' && !/:0+$/.test(url.host)) return `expected a port in ${JSON.stringify(text)}`;
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '' || url.username !== '') {
    return `${expected} (nothing after the port), received ${JSON.stringify(text)}`;
  }
  return { host, port: url.port === '' ? 0 : Number(url.port) };
}

/** The address family a host needs: a literal IPv6 address binds an IPv6 socket. */
export const isIpv6 = (host: string): boolean => isIP(host) === 6;
