import { quote } from '../../sdk/errors.js';
import { compile, isIntegral, type CompiledSchema, type Field, type MessageSchema, type Scalar } from './message-schema.js';
import { Reader, WireError, Writer, WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from './protobuf-wire.js';

/**
 * Schema-driven protobuf: bytes to Tremor's JSON value and back, by the tables of `otlp-schema.ts`.
 * Decoding refuses what a message cannot hold (a truncated field, a wire type that is not its
 * field's, text that is not UTF-8, nesting deeper than `MAX_DEPTH`) with a `WireError`; encoding
 * refuses a value of the wrong shape with a `ShapeError` naming its path (`trace[0].….span_id`).
 * Unknown fields are skipped, as protobuf readers do; absent ones read as their zero value.
 */

/** Nesting of messages and values at most, as protobuf's own readers limit recursion (100 there). */
export const MAX_DEPTH = 64;

export class ShapeError extends Error {
  override readonly name = 'ShapeError';
}

const WIRE_OF: Record<Scalar, number> = {
  string: WIRE_LEN,
  bool: WIRE_VARINT,
  uint32: WIRE_VARINT,
  int32: WIRE_VARINT,
  sint32: WIRE_VARINT,
  uint64: WIRE_VARINT,
  int64: WIRE_VARINT,
  fixed32: WIRE_FIXED32,
  fixed64: WIRE_FIXED64,
  sfixed64: WIRE_FIXED64,
  double: WIRE_FIXED64,
};

const ZERO: Record<Scalar, unknown> = { string: '', bool: false, uint32: 0, int32: 0, sint32: 0, uint64: 0, int64: 0, fixed32: 0, fixed64: 0, sfixed64: 0, double: 0 };

const isScalar = (type: Field['type']): type is Scalar => typeof type === 'string' && type in WIRE_OF;
const isMessage = (type: Field['type']): type is MessageSchema => typeof type === 'object';

/** Sets a key of a record made from peer input: `__proto__` becomes a key like any other, not the prototype. */
function put(record: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex');

// ---- decoding

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

/** An `AnyValue` as the plain value it holds; null when it holds none. */
function readAny(r: Reader, end: number, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new WireError(`values nested deeper than ${MAX_DEPTH} levels at byte ${r.pos}`);
  let value: unknown = null;
  while (r.pos < end) {
    const [no, wire] = r.tag();
    const expect = (w: number): void => {
      if (wire !== w) throw new WireError(`AnyValue field ${no} has wire type ${wire}, expected ${w}, at byte ${r.pos}`);
    };
    switch (no) {
      case 1:
        expect(WIRE_LEN);
        value = r.string();
        break;
      case 2:
        expect(WIRE_VARINT);
        value = r.bool();
        break;
      case 3:
        expect(WIRE_VARINT);
        value = r.int64();
        break;
      case 4:
        expect(WIRE_FIXED64);
        value = r.double();
        break;
      case 5: {
        expect(WIRE_LEN);
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
        expect(WIRE_LEN);
        const [from, to] = r.span();
        value = readKeyValues(new Reader(r.buf, from, to), depth + 1);
        break;
      }
      case 7:
        expect(WIRE_LEN);
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
  const where = (): string => `${schema.name}.${field.json} (field ${field.no})`;
  const bad = (expected: number): never => {
    throw new WireError(`${where()} has wire type ${wire}, expected ${expected}, at byte ${r.pos}`);
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
      while (!inner.done) values.push(readScalar(inner, type));
      put(out, field.json, values);
      return;
    }
    if (wire !== expected) bad(expected);
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

/** A message's bytes as Tremor's JSON value; throws a `WireError` on bytes it cannot hold. */
export function decode(schema: MessageSchema, bytes: Uint8Array): Record<string, unknown> {
  return decodeMessage(compile(schema), new Reader(bytes), 0);
}

// ---- encoding

const U32 = 0xffff_ffff;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;
const U64_MAX = (1n << 64n) - 1n;

function intIn(v: unknown, min: bigint, max: bigint): boolean {
  if (!isIntegral(v)) return false;
  const n = BigInt(v as number | bigint);
  return n >= min && n <= max;
}

function writeScalar(w: Writer, type: Scalar, v: unknown, path: string): void {
  const fail = (expected: string): never => {
    throw new ShapeError(`${path}: expected ${expected}, received ${quote(v)}`);
  };
  switch (type) {
    case 'string':
      if (typeof v !== 'string') fail('a string');
      return w.string(v as string);
    case 'bool':
      if (typeof v !== 'boolean') fail('a boolean');
      return w.varint32(v ? 1 : 0);
    case 'uint32':
    case 'fixed32':
      if (!intIn(v, 0n, BigInt(U32))) fail('an integer from 0 to 4294967295');
      return type === 'uint32' ? w.varint32(Number(v)) : w.fixed32(Number(v));
    case 'int32':
    case 'sint32':
      if (!intIn(v, -(1n << 31n), (1n << 31n) - 1n)) fail('a 32-bit integer');
      return type === 'int32' ? w.int32(Number(v)) : w.sint32(Number(v));
    case 'uint64':
    case 'fixed64':
      if (!intIn(v, 0n, U64_MAX)) fail('an integer from 0 to 2^64-1');
      return type === 'uint64' ? w.varint64(v as number | bigint) : w.fixed64(v as number | bigint);
    case 'int64':
    case 'sfixed64':
      if (!intIn(v, I64_MIN, I64_MAX)) fail('a 64-bit integer');
      return type === 'int64' ? w.varint64(v as number | bigint) : w.fixed64(v as number | bigint);
    case 'double':
      if (typeof v !== 'number' && typeof v !== 'bigint') fail('a number');
      return w.double(Number(v));
  }
}

function writeAny(w: Writer, v: unknown, path: string, depth: number): void {
  if (depth > MAX_DEPTH) throw new ShapeError(`${path}: values nested deeper than ${MAX_DEPTH} levels`);
  if (v === null || v === undefined) return;
  if (typeof v === 'string') {
    w.tag(1, WIRE_LEN);
    w.string(v);
  } else if (typeof v === 'boolean') {
    w.tag(2, WIRE_VARINT);
    w.varint32(v ? 1 : 0);
  } else if (isIntegral(v) && intIn(v, I64_MIN, I64_MAX)) {
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
    v.forEach((item, i) => {
      w.tag(1, WIRE_LEN);
      const at = w.begin();
      writeAny(w, item, `${path}[${i}]`, depth + 1);
      w.end(at);
    });
    w.end(list);
  } else if (typeof v === 'object') {
    w.tag(6, WIRE_LEN);
    const list = w.begin();
    writeKeyValues(w, 1, v as Record<string, unknown>, path, depth + 1);
    w.end(list);
  } else throw new ShapeError(`${path}: expected a value OTLP can carry, received ${quote(v)}`);
}

function writeKeyValues(w: Writer, no: number, record: Record<string, unknown>, path: string, depth: number): void {
  for (const key of Object.keys(record)) {
    w.tag(no, WIRE_LEN);
    const at = w.begin();
    w.tag(1, WIRE_LEN);
    w.string(key);
    w.tag(2, WIRE_LEN);
    const value = w.begin();
    writeAny(w, record[key], `${path}.${key}`, depth);
    w.end(value);
    w.end(at);
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Uint8Array);

function writeId(w: Writer, v: unknown, bytes: number, path: string): void {
  if (typeof v !== 'string' || (v !== '' && (v.length !== bytes * 2 || !/^[0-9a-fA-F]+$/.test(v)))) {
    throw new ShapeError(`${path}: expected ${bytes * 2} hex digits (${bytes} bytes) or "", received ${quote(v)}`);
  }
  w.bytes(Buffer.from(v, 'hex'));
}

function writeValue(w: Writer, field: Field, v: unknown, path: string, depth: number): void {
  const { type } = field;
  if (isScalar(type)) {
    if (WIRE_OF[type] === WIRE_LEN) w.tag(field.no, WIRE_LEN);
    else w.tag(field.no, WIRE_OF[type]);
    writeScalar(w, type, v, path);
    return;
  }
  w.tag(field.no, WIRE_LEN);
  if (type === 'trace_id') writeId(w, v, 16, path);
  else if (type === 'span_id') writeId(w, v, 8, path);
  else {
    const at = w.begin();
    if (type === 'any') writeAny(w, v, path, depth + 1);
    else encodeMessage(w, compile(type as MessageSchema), v, path, depth + 1);
    w.end(at);
  }
}

function encodeMessage(w: Writer, schema: CompiledSchema, value: unknown, path: string, depth: number): void {
  if (depth > MAX_DEPTH) throw new ShapeError(`${path}: nested deeper than ${MAX_DEPTH} levels`);
  if (!isRecord(value)) throw new ShapeError(`${path}: expected a record (${schema.name}), received ${quote(value)}`);
  const taken = new Set<string>();
  for (const field of schema.written) {
    const here = `${path}${path === '' ? '' : '.'}${field.into === undefined ? '' : `${field.into}.`}${field.json}`;
    if (field.type === 'attributes') {
      for (const key of [field.json, ...(field.aliases ?? [])]) {
        const v = value[key];
        if (v === undefined || v === null) continue;
        if (!isRecord(v)) throw new ShapeError(`${path}.${key}: expected a record of attributes, received ${quote(v)}`);
        writeKeyValues(w, field.no, v, `${path}.${key}`, depth + 1);
      }
      continue;
    }
    let v: unknown;
    if (field.into !== undefined) {
      const holder = value[field.into];
      if (holder === undefined || holder === null) continue;
      if (!isRecord(holder) || Object.keys(holder).length !== 1) {
        const names = schema.written.filter((x) => x.into === field.into).map((x) => x.json);
        throw new ShapeError(`${path}.${field.into}: expected a record with one of ${names.join(', ')}, received ${quote(holder)}`);
      }
      v = holder[field.json];
      if (v === undefined) continue;
    } else {
      const key = [field.json, ...(field.aliases ?? [])].find((k) => value[k] !== undefined && value[k] !== null);
      if (key === undefined) continue;
      v = value[key];
    }
    if (field.accepts !== undefined) {
      if (taken.has(field.json) || !field.accepts(v)) continue;
      taken.add(field.json);
    }
    if (field.repeated) {
      if (!Array.isArray(v)) throw new ShapeError(`${here}: expected a list, received ${quote(v)}`);
      const type = field.type;
      if (isScalar(type) && WIRE_OF[type] !== WIRE_LEN) {
        if (v.length === 0) continue;
        w.tag(field.no, WIRE_LEN);
        const at = w.begin();
        v.forEach((item, i) => writeScalar(w, type, item, `${here}[${i}]`));
        w.end(at);
      } else v.forEach((item, i) => writeValue(w, field, item, `${here}[${i}]`, depth));
      continue;
    }
    writeValue(w, field, v, here, depth);
  }
}

/** Tremor's JSON value as a message's bytes; throws a `ShapeError` naming the path of a value of the wrong shape. */
export function encode(schema: MessageSchema, value: unknown): Uint8Array {
  const w = new Writer();
  encodeMessage(w, compile(schema), value, '', 0);
  return w.finish();
}
