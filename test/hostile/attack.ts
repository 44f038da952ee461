import type { Random } from './random.js';
import type { RawReply } from '../support/raw.js';

/**
 * One hostile input: bytes written on a fresh connection (in chunks, optionally dripped), and
 * optionally what an acceptable answer looks like. Its name says what it is, so that a failure
 * reads as a reproduction.
 */
export interface Attack {
  readonly name: string;
  readonly chunks: readonly (Buffer | string)[];
  /** Send the chunks this far apart (a slow drip). */
  readonly dripMs?: number;
  /** Close our side this long after the last chunk (default: wait for the server, bounded by timeoutMs). */
  readonly keepOpenMs?: number;
  readonly timeoutMs?: number;
  /** Undefined when the answer is acceptable; else what is wrong with it. */
  readonly expect?: (reply: RawReply) => string | undefined;
}

/** A kind of attack: draws one instance of itself. */
export type Family = (rng: Random) => Attack;

/** A UDP datagram attack: datagrams sent from one socket. */
export interface DatagramAttack {
  readonly name: string;
  readonly datagrams: readonly Buffer[];
}

/** What hostile payloads (the data inside well-formed frames or bodies) a target's codec meets. */
export interface Payload {
  readonly name: string;
  readonly data: Buffer;
}

export type PayloadFamily = (rng: Random) => Payload;

/** A short, printable description of bytes for an attack's name. */
export function show(data: Buffer | string, max = 60): string {
  const text = typeof data === 'string' ? data : data.toString('latin1');
  const cut = text.length > max ? `${text.slice(0, max)}…(${text.length} bytes)` : text;
  return JSON.stringify(cut);
}
