import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { MsgHdrs } from 'nats';
import { quote } from '../../sdk/errors.js';
import { nats } from './nats-link.js';

/** The header every published message carries: which tremolo process published it. */
export const INSTANCE_HEADER = 'Tremolo-Instance';

/**
 * This process's id, unique per run: a worker of `--workers` is an instance of its own, so
 * a message one worker publishes reaches the others' subscribers.
 */
export const INSTANCE_ID = `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;

/** Headers as metadata: one value as a string, several as a list. */
export type HeaderRecord = Record<string, string | string[]>;

export function headersToMeta(h: MsgHdrs | undefined): HeaderRecord | undefined {
  if (h === undefined) return undefined;
  const out: HeaderRecord = {};
  for (const [k, values] of h) out[k] = values.length === 1 ? values[0]! : [...values];
  return out;
}

/**
 * The headers of one message: the configured ones, then the event's `meta.nats.headers`, then
 * the instance header (always last, so a forwarded message names its last publisher). Returns an
 * error text for a header that is not a string or a list of strings.
 */
export function buildHeaders(fixed: Readonly<Record<string, string>>, fromMeta: unknown): MsgHdrs | string {
  const h = nats().headers();
  for (const [k, v] of Object.entries(fixed)) h.set(k, v);
  if (fromMeta !== undefined && fromMeta !== null) {
    if (typeof fromMeta !== 'object' || Array.isArray(fromMeta)) return `meta.nats.headers: expected a record of strings, received ${quote(fromMeta)}`;
    for (const [k, v] of Object.entries(fromMeta)) {
      if (k === INSTANCE_HEADER) continue;
      if (typeof v === 'string') h.set(k, v);
      else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) {
        h.delete(k);
        for (const x of v) h.append(k, x);
      } else return `meta.nats.headers.${k}: expected a string or a list of strings, received ${quote(v)}`;
    }
  }
  h.set(INSTANCE_HEADER, INSTANCE_ID);
  return h;
}
