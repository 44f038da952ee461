import { statSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { z } from 'zod';

/**
 * The WebSocket gateway's choice of upstream, made at the handshake (ouistiti's mod_websocket):
 * the request path names a UNIX socket under `docroot`, or a `links` entry maps a path prefix to
 * a TCP address or a socket; when the path names nothing, the requested subprotocol is tried as the
 * name. `allow` and `deny` patterns decide first. A request that is denied, or names nothing that
 * exists, is refused with 403 before the upgrade.
 */
export const UpstreamSchema = z
  .strictObject({
    docroot: z.string().optional().describe('folder whose UNIX sockets are the upstreams, by name (ws://host/NAME → docroot/NAME)'),
    links: z
      .record(z.string(), z.string())
      .default({})
      .describe('path prefix → "tcp://host:port" or "unix:/path/to/socket" (also makes a WebSocket-to-TCP bridge)'),
    allow: z.array(z.string()).default(['*']).describe('path patterns allowed: * is any run of characters, ^ anchors the start, $ the end; unanchored patterns match anywhere'),
    deny: z.array(z.string()).default([]).describe('path patterns refused, in the same syntax'),
    deny_last: z.boolean().default(false).describe('check allow before deny (ouistiti’s denylast); by default deny is checked first'),
  })
  .refine((c) => c.docroot !== undefined || Object.keys(c.links).length > 0, { error: 'expected a docroot or links' })
  .describe('a gateway: each connection’s upstream, chosen from its path at the handshake, in meta.ws_server.target');
export type UpstreamConfig = z.output<typeof UpstreamSchema>;

export type Target = { readonly unix: string } | { readonly tcp: string };

/** ouistiti's patterns: `*` any run, `^` anchors the start (else anywhere), `$` anchors the end. */
export function patternMatches(pattern: string, text: string): boolean {
  const start = pattern.startsWith('^');
  const end = pattern.endsWith('$') && !pattern.endsWith('\\$');
  const body = pattern.slice(start ? 1 : 0, end ? -1 : undefined);
  const regex = body
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`${start ? '^' : ''}${regex}${end ? '$' : ''}`).test(text);
}

export function allowed(config: UpstreamConfig, name: string): boolean {
  const denied = config.deny.some((p) => patternMatches(p, name));
  const permitted = config.allow.some((p) => patternMatches(p, name));
  // The first matching list decides: deny first (the default), or allow first with deny_last.
  return config.deny_last ? permitted : permitted && !denied;
}

const isSocket = (file: string): boolean => {
  try {
    return statSync(file).isSocket();
  } catch {
    return false;
  }
};

function fromLink(value: string): Target {
  return value.startsWith('unix:') ? { unix: value.slice(5) } : { tcp: value.replace(/^tcp:\/\//, '') };
}

/** The upstream of a handshake, or why there is none (an HTTP 403 reason). */
export function resolveTarget(config: UpstreamConfig, req: IncomingMessage): Target | string {
  const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
  if (!allowed(config, pathname)) return `${JSON.stringify(pathname)} is not allowed`;
  // The longest matching prefix wins, so /chat/admin can go elsewhere than /chat.
  const prefix = Object.keys(config.links)
    .filter((p) => pathname === p || pathname.startsWith(p.endsWith('/') ? p : `${p}/`))
    .sort((a, b) => b.length - a.length)[0];
  if (prefix !== undefined) return fromLink(config.links[prefix]!);
  if (config.docroot !== undefined) {
    const root = path.resolve(config.docroot);
    const names = [pathname.replace(/^\/+/, '')];
    const protocols = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    names.push(...protocols.map((p) => (names[0] === '' ? p : path.join(names[0]!, p))), ...protocols);
    for (const name of names) {
      if (name === '') continue;
      const file = path.resolve(root, name);
      if (!file.startsWith(root + path.sep)) return `${JSON.stringify(pathname)} leaves the docroot`;
      if (isSocket(file)) return { unix: file };
    }
  }
  return `no upstream for ${JSON.stringify(pathname)}`;
}
