import { isUtf8 } from 'node:buffer';
import { isRecord } from '../../sdk/values.js';
import { quote } from '../../sdk/errors.js';
import type { Meta } from '../../sdk/event.js';

/**
 * The kv connector's commands, Tremor's set plus `merge`, in either of two forms:
 *
 * - Tremor's: the command in `meta.kv` (Tremor's `$kv`), the value in the event:
 *   `meta.kv = {"put": "k"}`, event `{"a": 1}`;
 * - whole in the event, for clients that speak JSON to the store: `{"put": {"key": "k", "value": {"a": 1}}}`.
 *
 * `meta.kv` holding an op (`get`, `put`...) decides for Tremor's form. Keys are strings: Tremor reads them as bytes
 * and accepts strings (and binary) only, and a string key keeps the file readable and scans ordered. Bytes
 * that are UTF-8 (`string::into_binary("k")`) are taken as the string they hold.
 */
export type KvCommand =
  | { readonly op: 'get' | 'delete'; readonly key: string }
  | { readonly op: 'put' | 'swap' | 'merge'; readonly key: string; readonly value: unknown }
  /** `old` undefined: the key must be absent (Tremor's "not-set"); null: it must hold null. */
  | { readonly op: 'cas'; readonly key: string; readonly old: unknown; readonly value: unknown }
  | { readonly op: 'scan'; readonly start: string; readonly end: string | undefined };

export type KvOp = KvCommand['op'];

/** Why an event is no command, with what is known of it for the `err` event's `meta.kv`. */
export interface KvProblem {
  readonly problem: string;
  readonly op?: KvOp;
  readonly key?: string;
}

const OPS: readonly KvOp[] = ['get', 'put', 'swap', 'merge', 'delete', 'cas', 'scan'];

/** The fields of each command in the event form: required, then optional. */
const FIELDS: Readonly<Record<KvOp, readonly [readonly string[], readonly string[]]>> = {
  get: [['key'], []],
  delete: [['key'], []],
  put: [['key', 'value'], []],
  swap: [['key', 'value'], []],
  merge: [['key', 'value'], []],
  cas: [['key', 'value'], ['old']],
  scan: [[], ['start', 'end']],
};

const EVENT_SHAPES: Readonly<Record<KvOp, string>> = {
  get: '{"get": {"key": "..."}}',
  delete: '{"delete": {"key": "..."}}',
  put: '{"put": {"key": "...", "value": ...}}',
  swap: '{"swap": {"key": "...", "value": ...}}',
  merge: '{"merge": {"key": "...", "value": <a merge patch>}}',
  cas: '{"cas": {"key": "...", "old": ..., "value": ...}} (no "old": the key must be absent)',
  scan: '{"scan": {"start": "...", "end": "..."}} (both optional, end excluded)',
};

const META_SHAPES: Readonly<Record<KvOp, string>> = {
  get: 'meta.kv = {"get": "..."}',
  delete: 'meta.kv = {"delete": "..."}',
  put: 'meta.kv = {"put": "..."} with the value as the event',
  swap: 'meta.kv = {"swap": "..."} with the value as the event',
  merge: 'meta.kv = {"merge": "..."} with the merge patch as the event',
  cas: 'meta.kv = {"cas": "...", "old": ...} with the new value as the event (no "old": the key must be absent)',
  scan: 'meta.kv = {"scan": "start", "end": "..."} (end optional, excluded)',
};

const NO_COMMAND = `expected a kv command (${OPS.join(', ')}) in the event, such as ${EVENT_SHAPES.get} or ${EVENT_SHAPES.put}, or in meta.kv as in Tremor, such as {"get": "..."}`;

export function readCommand(data: unknown, meta: Meta): KvCommand | KvProblem {
  const inMeta = meta.kv;
  // A reply's `meta.kv = { op, ok }` carried into the next command is no command: only an op key makes one.
  if (isRecord(inMeta) && OPS.some((op) => inMeta[op] !== undefined)) return fromMeta(inMeta, data);
  if (!isRecord(data)) return { problem: `${NO_COMMAND}; received ${quote(data)}` };
  return fromEvent(data);
}

function soleOp(record: Readonly<Record<string, unknown>>, where: string): KvOp | KvProblem {
  const ops = OPS.filter((op) => record[op] !== undefined && Object.hasOwn(record, op));
  if (ops.length === 1) return ops[0]!;
  if (ops.length === 0) return { problem: `${NO_COMMAND}; received ${where}${quote(record)}` };
  return { problem: `expected one kv command, received ${ops.join(' and ')} together in ${where}${quote(record)}` };
}

function fromEvent(data: Readonly<Record<string, unknown>>): KvCommand | KvProblem {
  const op = soleOp(data, '');
  if (typeof op !== 'string') return op;
  const body = data[op];
  const shape = EVENT_SHAPES[op];
  const others = Object.keys(data).filter((k) => k !== op && data[k] !== undefined);
  if (others.length > 0) return { op, problem: `expected ${shape}, received ${quote(data)}: ${others.map((k) => JSON.stringify(k)).join(', ')} beside "${op}"` };
  if (!isRecord(body)) return { op, problem: `expected ${shape}, received ${quote(data)}` };
  const [required, optional] = FIELDS[op];
  const unknown = Object.keys(body).filter((k) => body[k] !== undefined && !required.includes(k) && !optional.includes(k));
  if (unknown.length > 0) return { op, problem: `expected ${shape}; unknown ${unknown.map((k) => JSON.stringify(k)).join(', ')} in ${quote(body)}` };
  const missing = required.filter((k) => body[k] === undefined);
  if (missing.length > 0) return { op, problem: `expected ${shape}; ${missing.map((k) => JSON.stringify(k)).join(' and ')} missing in ${quote(body)}` };
  if (op === 'scan') {
    const start = optionalKey(body.start, '"start"', shape);
    const end = optionalKey(body.end, '"end"', shape);
    if (typeof start === 'object') return { op, ...start };
    if (typeof end === 'object') return { op, ...end };
    return { op, start: start ?? '', end };
  }
  const key = asKey(body.key);
  if (typeof key !== 'string') return { op, problem: `expected ${shape}; "key" must be a string, received ${quote(body.key)}` };
  return build(op, key, body.value, body.old);
}

function fromMeta(kv: Readonly<Record<string, unknown>>, data: unknown): KvCommand | KvProblem {
  const op = soleOp(kv, 'meta.kv = ');
  if (typeof op !== 'string') return op;
  const shape = META_SHAPES[op];
  const allowed = op === 'cas' ? ['old'] : op === 'scan' ? ['end'] : [];
  const unknown = Object.keys(kv).filter((k) => k !== op && kv[k] !== undefined && !allowed.includes(k));
  if (unknown.length > 0) return { op, problem: `expected ${shape}; unknown ${unknown.map((k) => JSON.stringify(k)).join(', ')} in meta.kv = ${quote(kv)}` };
  const key = asKey(kv[op]);
  if (typeof key !== 'string') return { op, problem: `expected ${shape}; the key must be a string, received ${quote(kv[op])}` };
  if (op === 'scan') {
    const end = optionalKey(kv.end, '"end"', shape);
    if (typeof end === 'object') return { op, ...end };
    return { op, start: key, end };
  }
  return build(op, key, data === undefined ? null : data, kv.old);
}

/** A key given as bytes, as Tremor's own are: the UTF-8 text they hold, or undefined. */
const fromBytes = (value: unknown): string | undefined => {
  if (!(value instanceof Uint8Array) || !isUtf8(value)) return undefined;
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
};

/** The key as a string: a string, or UTF-8 bytes; anything else stays as it is, for the caller to refuse. */
const asKey = (value: unknown): unknown => fromBytes(value) ?? value;

function optionalKey(given: unknown, name: string, shape: string): string | undefined | { problem: string } {
  const value = asKey(given);
  if (value === undefined || typeof value === 'string') return value;
  return { problem: `expected ${shape}; ${name} must be a string, received ${quote(value)}` };
}

function build(op: Exclude<KvOp, 'scan'>, key: string, value: unknown, old: unknown): KvCommand {
  switch (op) {
    case 'get':
    case 'delete':
      return { op, key };
    case 'cas':
      return { op, key, old, value };
    default:
      return { op, key, value };
  }
}
