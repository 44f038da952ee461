/**
 * ThingsDB's client protocol as both ends of it see it (the reference: ../shared/reference/thingsdb.md):
 * package types, error codes, and payloads as MessagePack through tremolo's own msgpack codec, so
 * values are written exactly as the codec writes them for any other flow. The 8-byte header is the
 * `thingsdb` processor's on the client side; the endpoint reads whole messages with `readPackage`,
 * because there one WebSocket message is one package and anything else closes the connection.
 */
import { builtins, type Meta, type Origin } from 'tremolo';

/** The package id of events (a response copies its request's id). */
export const EVENT_ID = 0xffff;
export const HEADER_SIZE = 8;

export const PackageType = {
  ON_NODE_STATUS: 0,
  ON_WARN: 5,
  ON_ROOM_JOIN: 6,
  ON_ROOM_LEAVE: 7,
  ON_ROOM_EMIT: 8,
  ON_ROOM_DELETE: 9,
  RES_PONG: 16,
  RES_OK: 17,
  RES_DATA: 18,
  RES_ERROR: 19,
  REQ_PING: 32,
  REQ_AUTH: 33,
  REQ_QUERY: 34,
  REQ_RUN: 37,
  REQ_JOIN: 38,
  REQ_LEAVE: 39,
  REQ_EMIT: 40,
  REQ_EMIT_PEER: 41,
} as const;

export const ErrorCode = {
  CANCELLED: -64,
  OPERATION: -63,
  NUM_ARGUMENTS: -62,
  TYPE_ERROR: -61,
  VALUE_ERROR: -60,
  OVERFLOW: -59,
  ZERO_DIV: -58,
  MAX_QUOTA: -57,
  AUTH_ERROR: -56,
  FORBIDDEN: -55,
  LOOKUP_ERROR: -54,
  BAD_DATA: -53,
  SYNTAX_ERROR: -52,
  NODE_ERROR: -51,
  ASSERT_ERROR: -50,
  INTERNAL: -6,
} as const;

const ERROR_NAMES = new Map<number, string>(Object.entries(ErrorCode).map(([name, code]) => [code, name.toLowerCase()]));

/** `lookup_error` for -54; user errors (-127..-100) and unknown codes by number. */
export const errorName = (code: number): string => ERROR_NAMES.get(code) ?? (code <= -100 && code >= -127 ? 'custom_error' : `error ${code}`);

/** An error ThingsDB answers with RES_ERROR `{error_code, error_msg}`. */
export class ThingsdbError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }

  get payload(): { error_code: number; error_msg: string } {
    return { error_code: this.code, error_msg: this.message };
  }
}

/** `meta.thingsdb` as the `thingsdb` processor reads and writes it. */
export const packageMeta = (id: number, type: number, rest: Meta = {}): Meta => ({ ...rest, thingsdb: { id, type } });

const codec = builtins().codecs.get('msgpack').create(undefined);
const EMPTY = Buffer.alloc(0);

/** A payload; `undefined` is the empty payload of PING, PONG and OK. */
export function encodePayload(value: unknown): Buffer {
  if (value === undefined) return EMPTY;
  const frame = codec.encode(value, {});
  return typeof frame === 'string' ? Buffer.from(frame) : frame;
}

/** The value of a payload; `undefined` when it is empty. Throws on bytes that are not MessagePack. */
export const decodePayload = (payload: Buffer): unknown => codec.decode(payload, {});

export interface Package {
  readonly id: number;
  readonly type: number;
  readonly payload: Buffer;
}

/** A byte as the node's texts show it: `0x0a`. */
export const hexByte = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`;

/** The requests a node answers with AUTH_ERROR (-56) on a connection that has not logged in. */
export const REQUIRES_AUTH: ReadonlySet<number> = new Set([PackageType.REQ_QUERY, PackageType.REQ_RUN, PackageType.REQ_JOIN, PackageType.REQ_LEAVE, PackageType.REQ_EMIT, PackageType.REQ_EMIT_PEER]);

/** The key a node (and the gateway) keeps a client connection's state under. */
export const connectionKey = (o: Origin): string => `${o.connector}:${o.stream}`;

/**
 * A package over max_size_before_auth before a login: why the connection is closed, and the answer
 * a node gives such a request without reading it (an AUTH: -53; another request: -56; PING and
 * unknown types: none).
 */
export function tooLargeBeforeAuth(type: number, size: number, maxSizeBeforeAuth: number): { why: string; answer?: { error_code: number; error_msg: string } } {
  const why = `a package of ${size} bytes before authentication (max_size_before_auth is ${maxSizeBeforeAuth})`;
  if (type === PackageType.REQ_AUTH) return { why, answer: { error_code: ErrorCode.BAD_DATA, error_msg: `invalid authentication request: ${why}` } };
  if (REQUIRES_AUTH.has(type)) return { why, answer: { error_code: ErrorCode.AUTH_ERROR, error_msg: 'connection is not authenticated' } };
  return { why };
}

/**
 * One WebSocket message as one package, as a ThingsDB node reads it, or why it is not one (the
 * node then closes the connection): shorter than the header, a check byte that is not the type
 * XOR 0xff, or a size over `maxSize`. A size field smaller than the message is the package, the
 * rest is ignored; a larger one reads the message's bytes (the node reads past them, into its
 * buffer: what a client can rely on is that the package is read). `limit` names `maxSize` in the text.
 */
export function readPackage(message: Buffer, maxSize: number, limit = 'the maximum'): Package | string {
  if (message.length < HEADER_SIZE) return `invalid package (header too small: ${message.length} bytes)`;
  const size = message.readUInt32LE(0);
  const type = message[6]!;
  const check = message[7]!;
  if (check !== (type ^ 0xff)) return `invalid package (check byte ${hexByte(check)} does not match type ${hexByte(type)})`;
  if (size > maxSize) return `invalid package (size ${size} over ${limit} of ${maxSize})`;
  return { id: message.readUInt16LE(4), type, payload: message.subarray(HEADER_SIZE, HEADER_SIZE + Math.min(size, message.length - HEADER_SIZE)) };
}

/** A whole package, header and payload: what a client that frames by itself sends. */
export function writePackage(id: number, type: number, value?: unknown): Buffer {
  const payload = encodePayload(value);
  const header = Buffer.alloc(HEADER_SIZE);
  header.writeUInt32LE(payload.length, 0);
  header.writeUInt16LE(id, 4);
  header[6] = type;
  header[7] = type ^ 0xff;
  return Buffer.concat([header, payload]);
}
