import type { Socket } from 'node:net';
import { z } from 'zod';

/** Tremor's TCP socket options, with its defaults. */
export const SocketOptionsSchema = z
  .strictObject({
    TCP_NODELAY: z.boolean().default(true).describe('disable Nagle’s algorithm'),
    SO_REUSEADDR: z.boolean().default(true).describe('always on for servers under Node.js (libuv sets it)'),
    SO_REUSEPORT: z.boolean().default(false).describe('several processes listen on one port (Node.js >= 22.12 only)'),
  })
  .default({ TCP_NODELAY: true, SO_REUSEADDR: true, SO_REUSEPORT: false })
  .describe('TCP socket options');
export type SocketOptions = z.output<typeof SocketOptionsSchema>;

export function applySocketOptions(socket: Socket, options: SocketOptions): void {
  socket.setNoDelay(options.TCP_NODELAY);
}

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
export const reusePortSupported = major > 22 || (major === 22 && minor >= 12);
