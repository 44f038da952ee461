import type { Socket } from 'node:net';
import { z } from 'zod';

/** Tremor's TCP socket options, with its defaults. */
export const SocketOptionsSchema = z
  .strictObject({
    TCP_NODELAY: z.boolean().default(true).describe('disable Nagle’s algorithm'),
    SO_REUSEADDR: z.boolean().default(true).describe('always on for servers under Node.js (libuv sets it)'),
    SO_REUSEPORT: z
      .boolean()
      .default(false)
      .describe('several processes listen on one port, the kernel sharing out the connections: needs Node.js >= 22.12 (23.x: >= 23.1) on Linux, FreeBSD, Solaris or AIX; where it is missing, ws_server warns at start and listens without it, tcp_server refuses the flow'),
  })
  .default({ TCP_NODELAY: true, SO_REUSEADDR: true, SO_REUSEPORT: false })
  .describe('TCP socket options');
export type SocketOptions = z.output<typeof SocketOptionsSchema>;

/** The options of a socket nobody configured (a link dialled by ws_server's upstream.connect): the schema's defaults. */
export const DEFAULT_SOCKET_OPTIONS: SocketOptions = SocketOptionsSchema.parse(undefined);

export function applySocketOptions(socket: Socket, options: SocketOptions): void {
  socket.setNoDelay(options.TCP_NODELAY);
}

const REUSEPORT_PLATFORMS = new Set(['linux', 'freebsd', 'sunos', 'aix']);

/**
 * Why a server cannot have SO_REUSEPORT on this Node.js version and platform, or undefined where
 * it can. net.Server#listen's reusePort came in 23.1 and was backported to 22.12 (23.0 lacks it);
 * older versions ignore the option without a word, and libuv refuses it on other systems.
 */
export function reusePortGap(version: string, platform: string): string | undefined {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (!(major > 23 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12))) return `Node.js ${version} has no SO_REUSEPORT (it needs >= 22.12, or >= 23.1)`;
  if (!REUSEPORT_PLATFORMS.has(platform)) return `Node.js has no SO_REUSEPORT on ${platform} (only on Linux, FreeBSD, Solaris and AIX)`;
  return undefined;
}

export const reusePortMissing = reusePortGap(process.versions.node, process.platform);
export const reusePortSupported = reusePortMissing === undefined;
