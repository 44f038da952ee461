// Sets a key of a record made from peer input: `__proto__` becomes a key like any other, not the prototype.
import { defineKey as put } from '../../sdk/values.js';
import { compile, isScalar, MAX_DEPTH, WIRE_OF, type CompiledSchema, type Field, type MessageSchema, type Scalar } from './message-schema.js';
import { Reader, WireError, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from './protobuf-wire.js';

/**
 * More decoded items than the budget `decode` was given: a few bytes on the wire (an empty span is
 * 2) decode to a record of a dozen fields, so a message's size alone does not bound the memory and
 * time it takes to read.
 */
export class DecodeLimitError extends WireError {
  override readonly name: string = 'DecodeLimitError';
}

/**
 * Protobuf bytes to Tremor's JSON value, by the tables of `otlp-schema.ts`. Bytes a message cannot
 * hold (a truncated field, a wire type that is not its field's, text that is not UTF-8, nesting
 * deeper than `MAX_DEPTH`) are refused with a `WireError`. Unknown fields are skipped, as protobuf
 * readers do; absent ones read as their zero value.
 */

const ZERO: Record<Scalar, unknown> = { string: '', bool: false, uint32: 0, int32: 0, sint32: 0, uint64: 0, int64: 0, fixed32: 0, fixed64: 0, sfixed64: 0, double: 0 };


const hex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');

function readScalar(r: Reader, type: Scalar): unknown {
  switch (type) {
    case 'string':
      return r.string();
    case 'bool':
      return r.bool();
    case 'uint32':
      return r.uint32();
    case 'int32':
      return r.int32();
    case 'sint32':
      return r.sint32();
    case 'uint64':
      return r.uint64();
    case 'int64':
      return r.int64();
    case 'fixed32':
      return r.fixed32();
    case 'fixed64':
      return r.fixed64(false);
    case 'sfixed64':
      return r.fixed64(true);
    case 'double':
      return r.double();
  }
}

/**
 * What is left of the current `decode`'s item budget. Decoding is synchronous and not re-entered, so
 * one module-level count serves every call (set, then restored, by `decode`).
 */
let itemsLeft = Infinity;
let itemsLimit = Infinity;

/** Counts `n` items (messages, fields, values) about to be made; past the budget the decode stops. */
function spend(n: number, r: Reader): void {
  itemsLeft -= n;
  if (itemsLeft < 0) throw new DecodeLimitError(`more than ${itemsLimit} decoded items (messages, fields and values) at byte ${r.pos}`);
}

/** Checks an `AnyValue` field's wire type: a plain function, not a closure made for every field read. */
function expectWire(no: number, wire: number, expected: number, r: Reader): void {
  if (wire !== expected) throw new WireError(`AnyValue field ${no} has wire type ${wire}, expected ${expected}, at byte ${r.pos}`);
}

/** An `AnyValue` as the plain value it holds; null when it holds none. */
function readAny(r: Reader, end: number, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new WireError(`values nested deeper than ${MAX_DEPTH} levels at byte ${r.pos}`);
  spend(1, r);
  let value: unknown = null;
  while (r.pos < end) {
    const [no, wire] = r.tag();
    switch (no) {
      case 1:
        expectWire(no, wire, WIRE_LEN, r);
        value = r.string();
        break;
      case 2:
        expectWire(no, wire, WIRE_VARINT, r);
        value = r.bool();
        break;
      case 3:
        expectWire(no, wire, WIRE_VARINT, r);
        value = r.int64();
        break;
      case 4:
        expectWire(no, wire, WIRE_FIXED64, r);
        value = r.double();
        break;
      case 5: {
        expectWire(no, wire, WIRE_LEN, r);
        const [from, to] = r.span();
        const items: unknown[] = [];
        const inner = new Reader(r.buf, from, to);
        while (!inner.done) {
          const [n, w] = inner.tag();
          if (n === 1 && w === WIRE_LEN) {
            const [a, b] = inner.span();
            items.push(readAny(new Reader(r.buf, a, b), b, depth + 1));
          } else inner.skip(w);
        }
        value = items;
        break;
      }
      case 6: {
        expectWire(no, wire, WIRE_LEN, r);
        const [from, to] = r.span();
        value = readKeyValues(new Reader(r.buf, from, to), depth + 1);
        break;
      }
      case 7:
        expectWire(no, wire, WIRE_LEN, r);
        value = Buffer.from(r.bytes());
        break;
      default:
        r.skip(wire);
    }
  }
  return value;
}

/** The `KeyValue`s (field 1 of a `KeyValueList`) up to the reader's end, as one record. */
function readKeyValues(r: Reader, depth: number, into: Record<string, unknown> = {}): Record<string, unknown> {
  while (!r.done) {
    const [no, wire] = r.tag();
    if (no !== 1 || wire !== WIRE_LEN) {
      r.skip(wire);
      continue;
    }
    const [from, to] = r.span();
    readKeyValue(new Reader(r.buf, from, to), depth, into);
  }
  return into;
}

/** One `KeyValue` into `record`; one without a value is left out, as Tremor does. */
function readKeyValue(r: Reader, depth: number, record: Record<string, unknown>): void {
  spend(1, r);
  let key = '';
  let value: unknown;
  let has = false;
  while (!r.done) {
    const [no, wire] = r.tag();
    if (no === 1 && wire === WIRE_LEN) key = r.string();
    else if (no === 2 && wire === WIRE_LEN) {
      const [from, to] = r.span();
      value = readAny(new Reader(r.buf, from, to), to, depth + 1);
      has = true;
    } else r.skip(wire);
  }
  if (has) put(record, key, value);
}

function readField(r: Reader, field: Field, wire: number, out: Record<string, unknown>, depth: number, schema: CompiledSchema): void {
  const { type } = field;
  const bad = (expected: number): never => {
    throw new WireError(`${schema.name}.${field.json} (field ${field.no}) has wire type ${wire}, expected ${expected}, at byte ${r.pos}`);
  };
  if (type === 'attributes') {
    if (wire !== WIRE_LEN) bad(WIRE_LEN);
    const [from, to] = r.span();
    let record = out[field.json] as Record<string, unknown> | undefined;
    if (record === undefined) put(out, field.json, (record = {}));
    readKeyValue(new Reader(r.buf, from, to), depth, record);
    return;
  }
  let value: unknown;
  if (isScalar(type)) {
    const expected = WIRE_OF[type];
    if (field.repeated && wire === WIRE_LEN && expected !== WIRE_LEN) {
      // Packed: the values one after another in one length-delimited field.
      const [from, to] = r.span();
      const inner = new Reader(r.buf, from, to);
      const values = (out[field.json] as unknown[] | undefined) ?? [];
      while (!inner.done) {
        spend(1, inner);
        values.push(readScalar(inner, type));
      }
      put(out, field.json, values);
      return;
    }
    if (wire !== expected) bad(expected);
    // A repeated scalar adds an item each time; a single one is counted with its message's fields.
    if (field.repeated) spend(1, r);
    value = readScalar(r, type);
  } else {
    if (wire !== WIRE_LEN) bad(WIRE_LEN);
    const [from, to] = r.span();
    const inner = new Reader(r.buf, from, to);
    if (type === 'trace_id' || type === 'span_id') value = hex(inner.buf.subarray(from, to));
    else if (type === 'any') value = readAny(inner, to, depth + 1);
    else value = decodeMessage(compile(type), inner, depth + 1);
  }
  if (field.repeated) {
    const values = (out[field.json] as unknown[] | undefined) ?? [];
    values.push(value);
    put(out, field.json, values);
  } else if (field.into !== undefined) put(out, field.into, { [field.json]: value });
  else put(out, field.json, value);
}

function zeroOf(field: Field): unknown {
  if (field.absent !== undefined) return field.absent();
  if (field.repeated) return [];
  const { type } = field;
  if (isScalar(type)) return ZERO[type];
  if (type === 'attributes') return {};
  if (type === 'trace_id' || type === 'span_id') return '';
  if (type === 'any') return null;
  return decodeMessage(compile(type), new Reader(new Uint8Array(0)), 0);
}

const isZero = (v: unknown): boolean =>
  v === 0 || v === '' || v === false || v === 0n || (Array.isArray(v) && v.length === 0) || (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array) && Object.keys(v).length === 0);

function decodeMessage(schema: CompiledSchema, r: Reader, depth: number): Record<string, unknown> {
  if (depth > MAX_DEPTH) throw new WireError(`messages nested deeper than ${MAX_DEPTH} levels at byte ${r.pos}`);
  // The record and every field it may get (those absent are filled in with their zero value).
  spend(1 + schema.fields.length, r);
  const out: Record<string, unknown> = {};
  while (!r.done) {
    const [no, wire] = r.tag();
    const field = schema.byNo.get(no);
    if (field === undefined) r.skip(wire);
    else readField(r, field, wire, out, depth, schema);
  }
  for (const field of schema.fields) {
    const key = field.into ?? field.json;
    const show = field.show ?? 'always';
    if (key in out) {
      if (show === 'set' && isZero(out[key])) delete out[key];
      continue;
    }
    if (show === 'always') put(out, key, field.into !== undefined ? null : zeroOf(field));
  }
  return out;
}

/**
 * A message's bytes as Tremor's JSON value; throws a `WireError` on bytes it cannot hold, and a
 * `DecodeLimitError` once it would make more than `maxItems` messages, fields and values.
 */
export function decode(schema: MessageSchema, bytes: Uint8Array, maxItems = Infinity): Record<string, unknown> {
  const [left, limit] = [itemsLeft, itemsLimit];
  itemsLeft = itemsLimit = maxItems;
  try {
    return decodeMessage(compile(schema), new Reader(bytes), 0);
  } finally {
    itemsLeft = left;
    itemsLimit = limit;
  }
}
