import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { quote as quoteText } from '../../sdk/http/request-target.js';
import { isNameSegment, parseRequestPath, type RequestPath } from './request-path.js';
import { findUnder, realRoot } from './rooted-file.js';
import { parseSubprotocols } from './subprotocols.js';

/**
 * The WebSocket gateway's choice of upstream, made at the handshake (ouistiti's mod_websocket):
 * the request path names a UNIX socket under `docroot`, or a `links` entry maps a path prefix to
 * a TCP address or a socket; when the path names nothing, the requested subprotocol is tried as the
 * name. Every name goes through the same steps, in this order: decode, refuse what cannot be a
 * name, normalise, allow/deny, find under the root, check the real path. A malformed target is
 * refused with 400; one that is denied or names nothing usable, with 403. Both before the upgrade.
 */
export const UpstreamSchema = z
  .strictObject({
    docroot: z
      .string()
      .optional()
      .describe(
        'folder whose UNIX sockets are the upstreams, by name (ws://host/NAME → docroot/NAME). The request path is percent-decoded segment by segment; a target with an encoded "/" (%2F), a "." or ".." segment (encoded or not), a control character or bad percent-encoding is refused with 400; repeated slashes are merged (//echo is /echo); a trailing slash names a folder, so /echo/ reaches no socket. The canonical path is then checked against allow and deny, then looked up under docroot with realpath: a socket reached through a symbolic link is refused unless follow_symlinks. When the path names nothing, or a folder, a single subprotocol names the socket (at the root, or in that folder), checked the same way; a list of subprotocols names none. Refusals are 403 with the same text whatever the cause',
      ),
    links: z
      .record(z.string(), z.string())
      .default({})
      .describe('path prefix → "tcp://host:port" or "unix:/path/to/socket" (also makes a WebSocket-to-TCP bridge); matched against the canonical path once allow and deny have passed it; the longest prefix wins'),
    allow: z.array(z.string()).default(['*']).describe('path patterns allowed, matched against the canonical (decoded, normalised) path: * is any run of characters, ^ anchors the start, $ the end; unanchored patterns match anywhere'),
    deny: z.array(z.string()).default([]).describe('path patterns refused, in the same syntax; a denied request path is refused outright, and a socket named by a subprotocol is checked as the path it stands for (/NAME, or /FOLDER/NAME)'),
    deny_last: z.boolean().default(false).describe('check allow before deny (ouistiti’s denylast); by default deny is checked first'),
    follow_symlinks: z
      .boolean()
      .default(false)
      .describe('reach a socket through a symbolic link under docroot; even then, only when the link’s real target stays inside docroot (docroot itself may be a link)'),
    connect: z
      .boolean()
      .default(false)
      .describe(
        'connect to the upstream during the handshake, before the upgrade (ouistiti’s order): a socket nobody listens on is refused with 403, a backlog that stays full or an upstream that does not answer within handshake_timeout_ms with 503, an unreachable TCP link with 502. The connection is handed to the per_stream client by its ticket in meta.ws_server.target.connection (copy it to meta.unix_socket_client.connection or meta.tcp_client.connection)',
      ),
  })
  .refine((c) => c.docroot !== undefined || Object.keys(c.links).length > 0, { error: 'expected a docroot or links' })
  .describe('a gateway: each connection’s upstream, chosen from its path at the handshake, in meta.ws_server.target');
export type UpstreamConfig = z.output<typeof UpstreamSchema>;

/** An upstream; with `upstream.connect`, `connection` is the ticket of the connection the handshake made (upstream-handoff.ts). */
export type Target = ({ readonly unix: string } | { readonly tcp: string }) & { readonly connection?: string };

/** A handshake refused: `reason` is for the client, `detail` for the log. */
export interface Refusal {
  readonly status: 400 | 403;
  readonly reason: string;
  readonly detail: string;
}

/**
 * ouistiti's patterns: `*` any run, `^` anchors the start (else anywhere), `$` anchors the end.
 * Matched part by part with indexOf rather than as a regular expression: a pattern with a few stars
 * made into `.*a.*b.*c` backtracks polynomially, and a request path can be 16 KB long. Taking the
 * leftmost place for each part between two stars is enough, since a star can absorb any run.
 */
export function patternMatches(pattern: string, text: string): boolean {
  const start = pattern.startsWith('^');
  const end = pattern.endsWith('$') && !pattern.endsWith('\\$');
  const parts = pattern.slice(start ? 1 : 0, end ? -1 : undefined).split('*');
  // An unanchored side is a star on that side.
  if (!start) parts.unshift('');
  if (!end) parts.push('');
  if (parts.length === 1) return text === parts[0];
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (!text.startsWith(first)) return false;
  let at = first.length;
  const stop = text.length - last.length;
  if (stop < at || !text.endsWith(last)) return false;
  for (let i = 1; i < parts.length - 1; i++) {
    const part = parts[i]!;
    const found = text.indexOf(part, at);
    if (found < 0 || found + part.length > stop) return false;
    at = found + part.length;
  }
  return true;
}

export function allowed(config: UpstreamConfig, name: string): boolean {
  const denied = config.deny.some((p) => patternMatches(p, name));
  const permitted = config.allow.some((p) => patternMatches(p, name));
  // The first matching list decides: deny first (the default), or allow first with deny_last.
  return config.deny_last ? permitted : permitted && !denied;
}

function fromLink(value: string): Target {
  return value.startsWith('unix:') ? { unix: value.slice(5) } : { tcp: value.replace(/^tcp:\/\//, '') };
}

/** Names and targets in refusals are quoted longer than a request line in a log: they are what an operator compares with the allow list. */
export const quote = (text: string): string => quoteText(text, 200);

/** One name looked up under the root: a socket, a folder, or why neither (and whether it is missing). */
type Lookup = { readonly unix: string } | { readonly folder: RequestPath } | { readonly refused: string; readonly missing: boolean };

/**
 * The one check every candidate upstream goes through, whether the request path or a subprotocol
 * named it: allow/deny on its canonical path, then the file under the root by its real path.
 */
async function lookUp(config: UpstreamConfig, root: string, name: RequestPath): Promise<Lookup> {
  if (!allowed(config, name.path)) return { refused: `${quote(name.path)} is denied by allow/deny`, missing: false };
  const found = await findUnder(root, name.segments, config.follow_symlinks);
  if (!('real' in found)) return { refused: `${quote(name.path)}: ${found.why}`, missing: found.missing };
  if (found.stats.isDirectory()) return { folder: name };
  // A trailing slash names a folder: a socket there is as absent as to open(2) (ENOTDIR).
  if (name.folder) return { refused: `${quote(name.path)}: not a folder`, missing: true };
  if (found.stats.isSocket()) return { unix: found.real };
  return { refused: `${quote(name.path)}: not a socket`, missing: false };
}

const ROOT: RequestPath = { path: '/', segments: [], folder: false };

/**
 * ouistiti's order: the path's name; when it names nothing, the subprotocol at the root; when either
 * is a folder, the subprotocol inside it. Each candidate goes through lookUp.
 */
async function socketFor(config: UpstreamConfig, root: string, name: RequestPath, protocol: string | undefined): Promise<Lookup> {
  const named = async (folder: RequestPath, protocol: string): Promise<Lookup> => {
    if (!isNameSegment(protocol)) return { refused: `subprotocol ${quote(protocol)} is not a name`, missing: false };
    const segments = [...folder.segments, protocol];
    return lookUp(config, root, { path: `/${segments.join('/')}`, segments, folder: false });
  };
  let found = await lookUp(config, root, name);
  if (protocol === undefined) return found;
  if ('refused' in found && found.missing) found = await named(ROOT, protocol);
  if ('folder' in found) found = await named(found.folder, protocol);
  return found;
}

/**
 * The upstream of a handshake, or why there is none. Never throws: every input is a client's.
 * `parsed`: the request path, when the caller parsed it already.
 */
export async function resolveTarget(config: UpstreamConfig, req: IncomingMessage, parsed: RequestPath | string = parseRequestPath(req.url ?? '/')): Promise<Target | Refusal> {
  const url = req.url ?? '/';
  if (typeof parsed === 'string') return { status: 400, reason: `malformed request target: ${parsed}`, detail: `${quote(url)}: ${parsed}` };
  const header = req.headers['sec-websocket-protocol'];
  const protocols = parseSubprotocols(header);
  if (protocols === undefined) return { status: 400, reason: 'invalid Sec-WebSocket-Protocol header', detail: `Sec-WebSocket-Protocol ${quote(String(header))} is not a list of tokens` };
  // The same text for every 403, so that a client cannot tell a denied name from a missing one,
  // a link from a file, or a socket from anything else: the log says which.
  const refused = (detail: string): Refusal => ({ status: 403, reason: `no upstream for ${quote(parsed.path)}`, detail });
  if (!allowed(config, parsed.path)) return refused(`${quote(parsed.path)} is denied by allow/deny`);
  // The longest matching prefix wins, so /chat/admin can go elsewhere than /chat.
  const prefix = Object.keys(config.links)
    .filter((p) => parsed.path === p || parsed.path.startsWith(p.endsWith('/') ? p : `${p}/`))
    .sort((a, b) => b.length - a.length)[0];
  if (prefix !== undefined) return fromLink(config.links[prefix]!);
  if (config.docroot === undefined) return refused(`${quote(parsed.path)} matches no link`);
  const root = await realRoot(config.docroot);
  if (root === undefined) return refused(`docroot ${quote(config.docroot)} is not a folder`);
  // Only a single subprotocol can be a name: from a list, the one the server answers with would not
  // be the one it connected to.
  const found = await socketFor(config, root, parsed, protocols.length === 1 ? protocols[0] : undefined);
  if ('unix' in found) return found;
  const list = protocols.length > 1 ? `; a list of subprotocols (${quote(String(header))}) names no upstream` : '';
  if ('folder' in found) return refused(`${quote(found.folder.path)} is a folder, and no subprotocol names a socket in it${list}`);
  return refused(`${found.refused}${list}`);
}
