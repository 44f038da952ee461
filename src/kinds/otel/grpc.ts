import { z } from 'zod';
import { parseHostPort, type HostPort } from '../../sdk/io/socket-url.js';

/**
 * What the otel connectors need of gRPC over HTTP/2 (https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-HTTP2.md):
 * the status codes, the 5-byte message prefix (compressed flag, big-endian length), grpc-message's
 * percent-encoding, and the url and limits both connectors take.
 */

export const Status = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
} as const;

const NAMES = ['OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED'];

export const statusName = (code: number): string => NAMES[code] ?? `status ${code}`;

/** gRPC's default largest message, 4 MiB, for both directions. */
export const DEFAULT_MAX_MESSAGE_SIZE = 4 * 1024 * 1024;

/** One message with its prefix (uncompressed). */
export function frame(message: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(5 + message.length);
  out[0] = 0;
  out.writeUInt32BE(message.length, 1);
  out.set(message, 5);
  return out;
}

/** grpc-message is percent-encoded: everything outside printable ASCII, and `%` itself. */
export const encodeGrpcMessage = (text: string): string =>
  Array.from(Buffer.from(text, 'utf8'), (b) => (b >= 0x20 && b <= 0x7e && b !== 0x25 ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');

export function decodeGrpcMessage(text: string | undefined): string {
  if (text === undefined) return '';
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The one message of a unary call from the bytes of its request or response, or why there is not
 * exactly one: the gRPC status to answer with and the reason.
 */
export function unframe(data: Buffer): { message: Buffer } | { status: number; reason: string } {
  if (data.length < 5) return { status: Status.INTERNAL, reason: `expected a 5-byte gRPC message prefix, received ${data.length} bytes` };
  const flag = data[0]!;
  const length = data.readUInt32BE(1);
  if (flag === 1) return { status: Status.UNIMPLEMENTED, reason: 'compressed messages are not supported: send them uncompressed (grpc-encoding: identity)' };
  if (flag !== 0) return { status: Status.INTERNAL, reason: `expected a compressed flag of 0 or 1, received ${flag}` };
  if (data.length < 5 + length) return { status: Status.INTERNAL, reason: `truncated gRPC message: its prefix says ${length} bytes, ${data.length - 5} came` };
  if (data.length > 5 + length) return { status: Status.INTERNAL, reason: `expected one message on a unary call, received ${data.length - 5 - length} bytes more` };
  return { message: data.subarray(5) };
}

/** `host:port`, or `http://host:port` (h2c, gRPC without TLS); Tremor's default port is 4317. */
export function parseOtelUrl(text: string): HostPort | string {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme === 'https') return `TLS is not supported by the otel connectors yet: write http://host:port or host:port (h2c), received ${JSON.stringify(text)}`;
  if (scheme !== undefined && scheme !== 'http') return `expected host:port or http://host:port, received ${JSON.stringify(text)}`;
  const bare = scheme === undefined ? text : text.slice('http://'.length);
  return parseHostPort(bare.replace(/\/$/, ''), 'tcp');
}

export const urlSchema = (defaultUrl: string, what: string) =>
  z
    .string()
    .default(defaultUrl)
    .superRefine((text, ctx) => {
      const url = parseOtelUrl(text);
      if (typeof url === 'string') ctx.addIssue({ code: 'custom', message: url.replace('tcp://host:port', 'http://host:port') });
    })
    .describe(what);

export const signalSwitches = (verb: string) => ({
  trace: z.boolean().default(true).describe(`${verb} traces (the TraceService)`),
  metrics: z.boolean().default(true).describe(`${verb} metrics (the MetricsService)`),
  logs: z.boolean().default(true).describe(`${verb} logs (the LogsService)`),
});

export const maxMessageSize = z
  .number()
  .int()
  .positive()
  .max(2 ** 31)
  .default(DEFAULT_MAX_MESSAGE_SIZE)
  .describe('largest request message in bytes (4 MiB, gRPC’s default); a larger one is refused with RESOURCE_EXHAUSTED');
