import type { ConnectionOptions } from 'nats';
import { z } from 'zod';
import { ClientTlsSchema, loadClientTls } from '../../sdk/io/tls.js';

const SERVER = /^(?:(?:nats|tls|ws|wss):\/\/)?[^\s/,]+(?::\d+)?$/;

/** A string (one URL, or several separated by commas) or a list; empty means "off". */
const ServersSchema = z
  .union([z.string(), z.array(z.string())], { error: 'expected a server URL such as "nats://127.0.0.1:4222", a list of them, or "" (off)' })
  .describe('nats://host:port URLs (a list, or one string with commas); "" or [] turns the connector off: nothing is sent or received');

/** The connection options both NATS connectors take; the client does the reconnecting. */
export const NatsConnectionSchema = {
  servers: ServersSchema,
  user: z.string().optional().describe('user name (with pass)'),
  pass: z.string().optional().describe('password (with user)'),
  token: z.string().optional().describe('authentication token'),
  tls: ClientTlsSchema.optional().describe('true (system roots) or { cafile, cert, key } (files); the server must offer TLS'),
  name: z.string().optional().describe('the connection name the server shows in its monitoring'),
  connect_timeout_ms: z.number().int().positive().default(10_000).describe('give up a first connection attempt that takes longer'),
  reconnect_time_wait_ms: z.number().int().min(0).default(1000).describe('once connected, the NATS client reconnects by itself: the wait between two attempts on the same server'),
  max_reconnect_attempts: z.number().int().min(-1).default(-1).describe('attempts per server before the client gives up (-1: never); then `reconnect` decides'),
  ping_interval_ms: z.number().int().positive().default(30_000).describe('ping the server this often; a connection that dies silently is noticed after max_pings_out unanswered pings'),
  max_pings_out: z.number().int().positive().default(2).describe('unanswered pings before the connection counts as lost'),
};

export type NatsConnectionConfig = {
  servers: string | string[];
  user?: string | undefined;
  pass?: string | undefined;
  token?: string | undefined;
  tls?: z.output<typeof ClientTlsSchema> | undefined;
  name?: string | undefined;
  connect_timeout_ms: number;
  reconnect_time_wait_ms: number;
  max_reconnect_attempts: number;
  ping_interval_ms: number;
  max_pings_out: number;
};

export const serverList = (servers: string | string[]): string[] =>
  (typeof servers === 'string' ? servers.split(',') : servers).map((s) => s.trim()).filter((s) => s !== '');

/** Load-time checks shared by both connectors, for a superRefine. */
export function checkConnection(c: NatsConnectionConfig, issue: (path: string, message: string) => void): void {
  for (const s of serverList(c.servers)) {
    if (!SERVER.test(s)) issue('servers', `expected nats://host:port, received ${JSON.stringify(s)}`);
  }
  if ((c.user === undefined) !== (c.pass === undefined)) issue(c.user === undefined ? 'user' : 'pass', 'user and pass go together; received only one of them');
  if (typeof c.tls === 'object' && c.tls.domain !== undefined) issue('tls', 'the NATS client checks the certificate against the server URL host; tls.domain is not supported, received a domain');
  if (c.token !== undefined && c.user !== undefined) issue('token', 'expected either token or user and pass, received both');
}

/** What the `nats` client takes; certificate files are read here, so a missing one fails the start. */
export async function connectionOptions(c: NatsConnectionConfig, alias: string): Promise<ConnectionOptions> {
  const tls = c.tls === undefined ? undefined : await loadClientTls(c.tls);
  return {
    servers: serverList(c.servers),
    name: c.name ?? alias,
    timeout: c.connect_timeout_ms,
    reconnect: true,
    reconnectTimeWait: c.reconnect_time_wait_ms,
    maxReconnectAttempts: c.max_reconnect_attempts,
    pingInterval: c.ping_interval_ms,
    maxPingOut: c.max_pings_out,
    ...(c.user === undefined ? {} : { user: c.user, pass: c.pass }),
    ...(c.token === undefined ? {} : { token: c.token }),
    ...(tls === undefined
      ? {}
      : {
          tls: {
            ...(tls.ca === undefined ? {} : { ca: tls.ca.toString() }),
            ...(tls.cert === undefined ? {} : { cert: tls.cert.toString() }),
            ...(tls.key === undefined ? {} : { key: tls.key.toString() }),
          },
        }),
  };
}
