import { z } from 'zod';
import { HandshakeSchema } from '../../sdk/auth/handshake-guard.js';
import { SocketOptionsSchema } from '../../sdk/io/socket-options.js';
import { ServerTlsSchema, type ServerTls } from '../../sdk/io/tls.js';
import { checkWaterMarks } from '../../sdk/io/water-marks.js';
import { parseWsUrl } from '../../sdk/io/ws-url.js';
import { KeepaliveSchema } from './keepalive.js';
import { StaticFilesSchema } from './static-files.js';
import { UpstreamSchema } from './upstream-targets.js';
import { WaterMarksSchema } from './ws-outlet.js';
import { SUBPROTOCOL_TOKEN } from './subprotocols.js';

// The codes a server may send (RFC 6455 7.4): 1004-1006 and 1015 are never sent.
const CloseCode = z
  .number()
  .int()
  .refine((c) => (c >= 1000 && c <= 1014 && c !== 1004 && c !== 1005 && c !== 1006) || (c >= 3000 && c <= 4999), { error: 'expected a close code a server may send: 1000-1003, 1007-1014 or 3000-4999' });

export const Config = z
  .strictObject({
    url: z.string().describe('ws://host:port, wss://host:port or host:port to listen on; port 0 picks a free port'),
    backlog: z.number().int().positive().default(128).describe('pending connections not yet accepted'),
    socket_options: SocketOptionsSchema,
    tls: ServerTlsSchema.extend({
      optional: z
        .boolean()
        .default(false)
        .describe('serve wss:// only when cert and key are both non-empty (as from an unset ${env:NAME:-}); with one of them only, warn and serve ws:// (as servers configured by a pair of optional files commonly do); write the url host:port'),
    })
      .optional()
      .describe('{ cert, key } files: serve wss://'),
    max_message_size: z
      .number()
      .int()
      .positive()
      .default(16 * 1024 * 1024)
      .describe('largest message accepted, in bytes; a bigger one closes the connection with 1009'),
    paths: z
      .array(z.string().startsWith('/'))
      .min(1)
      .optional()
      .describe('the request paths (without the query) a WebSocket may connect to, e.g. ["/ws/2"]; other paths are refused with 404 (default: any path)'),
    static: StaticFilesSchema.optional(),
    upstream: UpstreamSchema.optional(),
    protocols: z
      .array(z.string().regex(SUBPROTOCOL_TOKEN, 'expected a token (RFC 6455)'))
      .min(1)
      .optional()
      .describe('the subprotocols this server speaks: the first one a client asks for that is listed is answered; a handshake that asks only for others is refused with 400. A client that asks for none is accepted (default: any subprotocol, the first asked for is answered)'),
    upstream_close_codes: z
      .strictObject({
        closed: CloseCode.default(1000).describe('when the upstream closed or was lost (1012 "service restart" tells a client to reconnect)'),
        unreachable: CloseCode.default(1014).describe('when no upstream could be reached (1014 "bad gateway")'),
      })
      .prefault({})
      .describe('the close codes of a connection whose per_stream upstream closed or could not be reached'),
    open_event: z
      .boolean()
      .default(false)
      .describe('emit an empty frame when a connection opens, so that a gateway opens its upstream at once (with the binary codec)'),
    text_when_utf8: z
      .boolean()
      .default(false)
      .describe('send text frames for bytes that are valid UTF-8 and binary frames for the rest (a gateway relaying a byte stream)'),
    ...HandshakeSchema,
    rate_limit: z
      .strictObject({
        messages_per_s: z.number().positive().describe('messages per second a connection may send'),
        burst: z.number().int().positive().optional().describe('messages it may send at once (default: messages_per_s)'),
        action: z.enum(['close', 'drop']).default('close').describe('close the connection with 1008, or drop the excess (counted, reported on err once a second)'),
      })
      .optional()
      .describe('per-connection limit on incoming messages'),
    ...KeepaliveSchema,
    ...WaterMarksSchema,
  })
  .superRefine((c, ctx) => {
    const url = parseWsUrl(c.url);
    if (typeof url === 'string') ctx.addIssue({ code: 'custom', path: ['url'], message: url });
    else if (c.tls?.optional === true && url.secure !== undefined) ctx.addIssue({ code: 'custom', path: ['url'], message: `with tls.optional, write host:port (whether it is wss:// follows from the files), received ${JSON.stringify(c.url)}` });
    else if (url.secure === true && c.tls === undefined) ctx.addIssue({ code: 'custom', path: ['url'], message: `wss:// needs tls: { cert, key }, received ${JSON.stringify(c.url)} without tls` });
    else if (url.secure === false && c.tls !== undefined) ctx.addIssue({ code: 'custom', path: ['url'], message: `tls is configured but the url is ws://; write wss://, received ${JSON.stringify(c.url)}` });
    checkWaterMarks(c, ctx);
    if (c.auth?.mtls && (c.tls?.ca === undefined || c.tls.client_cert === 'none')) {
      ctx.addIssue({ code: 'custom', path: ['auth', 'mtls'], message: 'mutual TLS needs tls.ca and tls.client_cert "request" or "require"' });
    }
  });

export type WsServerConfig = z.output<typeof Config>;

/** The TLS settings in force: with `optional`, only when both files are named. */
export function effectiveTls(tls: WsServerConfig['tls'], log: { warn(message: string): void }): ServerTls | undefined {
  if (tls === undefined || !tls.optional) return tls;
  if (tls.cert !== '' && tls.key !== '') return tls;
  if (tls.cert !== '') log.warn('tls: a certificate file but no private key file; serving plain ws://');
  else if (tls.key !== '') log.warn('tls: a private key file but no certificate file; serving plain ws://');
  return undefined;
}
