import { isIP } from 'node:net';

/**
 * Which Host headers the status API answers. A web page can make a browser send requests to a
 * loopback port under a name of the page's own that resolves to 127.0.0.1 (DNS rebinding): the
 * request then carries that name as its Host. Answering only hosts that cannot be rebound (IP
 * addresses, `localhost` and names under `.localhost`, which resolve to loopback by RFC 6761) and
 * the names the operator allowed closes that door, as Vite's and webpack's dev servers do.
 *
 * `allowed` entries: a name (`status.example.com`), a name with a leading dot for it and every name
 * under it (`.example.com`), or `*` for any host (the check off, e.g. behind a proxy that checks).
 */
export function hostAllowed(host: string | undefined, allowed: readonly string[]): boolean {
  // HTTP/1.0 may omit Host; a browser never does, so there is nothing to rebind.
  if (host === undefined) return true;
  const name = hostName(host);
  if (name === undefined) return false;
  if (isIP(name) !== 0 || name === 'localhost' || name.endsWith('.localhost')) return true;
  return allowed.some((a) => a === '*' || a.toLowerCase() === name || (a.startsWith('.') && (name === a.slice(1).toLowerCase() || name.endsWith(a.toLowerCase()))));
}

/** The name of a Host header without its port, lower-cased, brackets of an IPv6 address removed; undefined when it is none. */
export function hostName(host: string): string | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]/@\s]+))(?::\d{1,5})?$/.exec(host.trim());
  if (m === null) return undefined;
  const name = (m[1] ?? m[2]!).toLowerCase();
  return name.endsWith('.') ? name.slice(0, -1) : name;
}

/** What a refusal says it accepts. */
export const allowedHostsText = (allowed: readonly string[]): string =>
  ['IP addresses', 'localhost', '*.localhost', ...allowed.map((a) => (a.startsWith('.') ? `*${a}` : a))].join(', ');
