import { quote } from '../../sdk/errors.js';
import { isRecord } from '../../sdk/values.js';
import { compile, isIntegral, isScalar, MAX_DEPTH, WIRE_OF, type CompiledSchema, type Field, type MessageSchema, type Scalar } from './message-schema.js';
import { Writer, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from './protobuf-wire.js';

/**
 * Tremor's JSON value to protobuf bytes, by the tables of `otlp-schema.ts`. A value of the wrong
 * shape is refused with a `ShapeError` naming its path (`trace[0].….span_id`) and what was expected.
 */

export class ShapeError extends Error {
  override readonly name = 'ShapeError';
}


/** An integer range, its bounds as numbers (the common, safe case) and as bigints (beyond 2^53). */
interface Range {
  readonly lo: number;
  readonly hi: number;
  readonly loB: bigint;
  readonly hiB: bigint;
}
const range = (loB: bigint, hiB: bigint): Range => ({ lo: Number(loB), hi: Number(hiB), loB, hiB });
const U32 = range(0n, 0xffff_ffffn);
const I32 = range(-(1n << 31n), (1n << 31n) - 1n);
const U64 = range(0n, (1n << 64n) - 1n);
const I64 = range(-(1n << 63n), (1n << 63n) - 1n);

/**
 * Where the encoder is in the value: keys and indexes, pushed and popped on the way down. The
 * path text (`trace[0].spans[1].span_id`) is only built for an error: built for every field, its
 * strings were most of what an encode allocated.
 */
const at: (string | number)[] = [];
const pathText = (): string => at.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
const refuse = (what: string, v: unknown): never => {
  const path = pathText();
  throw new ShapeError(`${path}: ${what}, received ${quote(v)}`);
};

function intIn(v: unknown, r: Range): boolean {
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v)) return v >= r.lo && v <= r.hi;
    if (!Number.isInteger(v)) return false;
    const b = BigInt(v);
    return b >= r.loB && b <= r.hiB;
  }
  return typeof v === 'bigint' && v >= r.loB && v <= r.hiB;
}

function writeScalar(w: Writer, type: Scalar, v: unknown): void {
  switch (type) {
    case 'string':
      if (typeof v !== 'string') refuse('expected a string', v);
      return w.string(v as string);
    case 'bool':
      if (typeof v !== 'boolean') refuse('expected a boolean', v);
      return w.varint32(v ? 1 : 0);
    case 'uint32':
    case 'fixed32':
      if (!intIn(v, U32)) refuse('expected an integer from 0 to 4294967295', v);
      return type === 'uint32' ? w.varint32(Number(v)) : w.fixed32(Number(v));
    case 'int32':
    case 'sint32':
      if (!intIn(v, I32)) refuse('expected a 32-bit integer', v);
      return type === 'int32' ? w.int32(Number(v)) : w.sint32(Number(v));
    case 'uint64':
    case 'fixed64':
      if (!intIn(v, U64)) refuse('expected an integer from 0 to 2^64-1', v);
      return type === 'uint64' ? w.varint64(v as number | bigint) : w.fixed64(v as number | bigint);
    case 'int64':
    case 'sfixed64':
      if (!intIn(v, I64)) refuse('expected a 64-bit integer', v);
      return type === 'int64' ? w.varint64(v as number | bigint) : w.fixed64(v as number | bigint);
    case 'double':
      if (typeof v !== 'number' && typeof v !== 'bigint') refuse('expected a number', v);
      return w.double(Number(v));
  }
}

function writeAny(w: Writer, v: unknown, depth: number): void {
  if (depth > MAX_DEPTH) refuse(`values nested deeper than ${MAX_DEPTH} levels`, '…');
  if (v === null || v === undefined) return;
  if (typeof v === 'string') {
    w.tag(1, WIRE_LEN);
    w.string(v);
  } else if (typeof v === 'boolean') {
    w.tag(2, WIRE_VARINT);
    w.varint32(v ? 1 : 0);
  } else if (isIntegral(v) && intIn(v, I64)) {
    w.tag(3, WIRE_VARINT);
    w.varint64(v as number | bigint);
  } else if (typeof v === 'number' || typeof v === 'bigint') {
    w.tag(4, WIRE_FIXED64);
    w.double(Number(v));
  } else if (v instanceof Uint8Array) {
    w.tag(7, WIRE_LEN);
    w.bytes(v);
  } else if (Array.isArray(v)) {
    w.tag(5, WIRE_LEN);
    const list = w.begin();
    for (let i = 0; i < v.length; i++) {
      w.tag(1, WIRE_LEN);
      const item = w.begin();
      at.push(i);
      writeAny(w, v[i], depth + 1);
      at.pop();
      w.end(item);
    }
    w.end(list);
  } else if (typeof v === 'object') {
    w.tag(6, WIRE_LEN);
    const list = w.begin();
    writeKeyValues(w, 1, v as Record<string, unknown>, depth + 1);
    w.end(list);
  } else refuse('expected a value OTLP can carry', v);
}

function writeKeyValues(w: Writer, no: number, record: Record<string, unknown>, depth: number): void {
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    w.tag(no, WIRE_LEN);
    const kv = w.begin();
    w.tag(1, WIRE_LEN);
    w.string(key);
    w.tag(2, WIRE_LEN);
    const value = w.begin();
    at.push(key);
    writeAny(w, record[key], depth);
    at.pop();
    w.end(value);
    w.end(kv);
  }
}

const HEX = /^[0-9a-fA-F]*$/;

function writeId(w: Writer, v: unknown, bytes: number): void {
  if (typeof v !== 'string' || (v !== '' && (v.length !== bytes * 2 || !HEX.test(v)))) refuse(`expected ${bytes * 2} hex digits (${bytes} bytes) or ""`, v);
  w.hex(v as string);
}

function writeValue(w: Writer, field: Field, v: unknown, depth: number): void {
  const { type } = field;
  if (isScalar(type)) {
    w.tag(field.no, WIRE_OF[type]);
    writeScalar(w, type, v);
    return;
  }
  w.tag(field.no, WIRE_LEN);
  if (type === 'trace_id') writeId(w, v, 16);
  else if (type === 'span_id') writeId(w, v, 8);
  else {
    const start = w.begin();
    if (type === 'any') writeAny(w, v, depth + 1);
    else encodeMessage(w, compile(type as MessageSchema), v, depth + 1);
    w.end(start);
  }
}

/** The value of a field in `value`, under its JSON name or an alias; undefined when absent or null. */
function valueOf(value: Record<string, unknown>, field: Field): unknown {
  const v = value[field.json];
  if (v !== undefined && v !== null) return v;
  if (field.aliases !== undefined) {
    for (const alias of field.aliases) {
      const a = value[alias];
      if (a !== undefined && a !== null) {
        at[at.length - 1] = alias;
        return a;
      }
    }
  }
  return undefined;
}

function encodeMessage(w: Writer, schema: CompiledSchema, value: unknown, depth: number): void {
  if (depth > MAX_DEPTH) refuse(`nested deeper than ${MAX_DEPTH} levels`, '…');
  if (!isRecord(value)) refuse(`expected a record (${schema.name})`, value);
  const record = value as Record<string, unknown>;
  // A oneof sharing a JSON key is written once, by the first field that accepts its value.
  let taken: string | undefined;
  for (const field of schema.written) {
    if (field.type === 'attributes') {
      for (const key of field.aliases === undefined ? [field.json] : [field.json, ...field.aliases]) {
        const v = record[key];
        if (v === undefined || v === null) continue;
        at.push(key);
        if (!isRecord(v)) refuse('expected a record of attributes', v);
        writeKeyValues(w, field.no, v as Record<string, unknown>, depth + 1);
        at.pop();
      }
      continue;
    }
    let v: unknown;
    if (field.into !== undefined) {
      const holder = record[field.into];
      if (holder === undefined || holder === null) continue;
      if (!isRecord(holder) || Object.keys(holder).length !== 1) {
        at.push(field.into);
        const names = schema.written.filter((x) => x.into === field.into).map((x) => x.json);
        refuse(`expected a record with one of ${names.join(', ')}`, holder);
      }
      v = (holder as Record<string, unknown>)[field.json];
      if (v === undefined) continue;
      at.push(field.into, field.json);
    } else {
      at.push(field.json);
      v = valueOf(record, field);
      if (v === undefined) {
        at.pop();
        continue;
      }
    }
    if (field.accepts !== undefined && (taken === field.json || !field.accepts(v))) {
      at.pop();
      continue;
    }
    if (field.accepts !== undefined) taken = field.json;
    if (field.repeated) {
      if (!Array.isArray(v)) refuse('expected a list', v);
      const list = v as unknown[];
      const type = field.type;
      if (isScalar(type) && WIRE_OF[type] !== WIRE_LEN) {
        if (list.length > 0) {
          w.tag(field.no, WIRE_LEN);
          const start = w.begin();
          for (let i = 0; i < list.length; i++) {
            at.push(i);
            writeScalar(w, type, list[i]);
            at.pop();
          }
          w.end(start);
        }
      } else {
        for (let i = 0; i < list.length; i++) {
          at.push(i);
          writeValue(w, field, list[i], depth);
          at.pop();
        }
      }
    } else writeValue(w, field, v, depth);
    at.pop();
    if (field.into !== undefined) at.pop();
  }
}

// One writer, reused: encoding is synchronous and `finish` copies the bytes out.
const writer = new Writer();

/** Tremor's JSON value as a message's bytes; throws a `ShapeError` naming the path of a value of the wrong shape. */
export function encode(schema: MessageSchema, value: unknown): Uint8Array {
  writer.reset();
  at.length = 0;
  try {
    encodeMessage(writer, compile(schema), value, 0);
  } finally {
    at.length = 0;
  }
  return writer.finish();
}
