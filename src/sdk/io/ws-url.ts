/**
 * WebSocket addresses as Tremor writes them: `ws://host:port/path`, `wss://...`, or `host:port`
 * (secure when a tls config is given). Port 0 binds an ephemeral port.
 */
export interface WsAddress {
  readonly secure: boolean | undefined;
  readonly host: string;
  readonly port: number;
  readonly path: string;
}

export function parseWsUrl(text: string): WsAddress | string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `tremolo://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return `expected ws://host:port, wss://host:port or host:port, received ${JSON.stringify(text)}`;
  }
  const scheme = url.protocol.slice(0, -1);
  if (scheme !== 'ws' && scheme !== 'wss' && scheme !== 'tremolo') {
    return `expected a ws:// or wss:// url, received ${JSON.stringify(text)}`;
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') return `expected a host in ${JSON.stringify(text)}`;
  const secure = scheme === 'tremolo' ? undefined : scheme === 'wss';
  const port = url.port === '' ? (scheme === 'wss' ? 443 : scheme === 'ws' ? 80 : NaN) : Number(url.port);
  if (Number.isNaN(port)) return `expected a port in ${JSON.stringify(text)}`;
  return { secure, host, port, path: `${url.pathname}${url.search}` };
}

export const formatHostPort = (host: string, port: number): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);
