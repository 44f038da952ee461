import { WIRE_FIXED32, WIRE_FIXED64, WIRE_LEN, WIRE_VARINT } from './protobuf-wire.js';

/**
 * How a protobuf message is described as data for `protobuf-decode.ts` and `protobuf-encode.ts`: each field's number, the
 * name it has in the JSON value (Tremor's), its type and when it shows in a decoded value.
 */

export type Scalar = 'string' | 'bool' | 'uint32' | 'int32' | 'sint32' | 'uint64' | 'int64' | 'fixed32' | 'fixed64' | 'sfixed64' | 'double';

/**
 * Beyond protobuf's scalars: `trace_id`/`span_id`, bytes written as lowercase hex (16 and 8 bytes);
 * `attributes`, a repeated `KeyValue` as one JSON record; `any`, an `AnyValue` as the plain value it
 * holds (a string, number, boolean, list, record, bytes, or null).
 */
export type Special = 'trace_id' | 'span_id' | 'attributes' | 'any';

export interface Field {
  readonly no: number;
  /** Its key in the JSON value; fields of a oneof share one. */
  readonly json: string;
  readonly type: Scalar | Special | MessageSchema;
  readonly repeated?: boolean;
  /**
   * When a field absent from the wire shows in the decoded value: `always` (the default: as its
   * zero value, as Tremor writes every field), `present` (only when sent: a sub-message whose
   * absence means something), `set` (only when not its zero value: fields newer than the protocol
   * version Tremor's JSON follows, so that its shape stays as it was).
   */
  readonly show?: 'always' | 'present' | 'set';
  /** The value shown when the field is absent, instead of its zero value (Tremor's for a span's status). */
  readonly absent?: () => unknown;
  /** Other JSON keys this field is read from when encoding (the current protocol's names). */
  readonly aliases?: readonly string[];
  /** Decoded only (the same content under an older field number); never written. */
  readonly readOnly?: boolean;
  /** Part of a oneof: written for a value this accepts; the first field that accepts it wins. */
  readonly accepts?: (value: unknown) => boolean;
  /** A oneof whose JSON is `{ [into]: { [json]: value } }` (a metric's `data`). */
  readonly into?: string;
}

export interface MessageSchema {
  readonly name: string;
  readonly fields: readonly Field[];
}

export interface CompiledSchema extends MessageSchema {
  readonly byNo: ReadonlyMap<number, Field>;
  /** The fields written when encoding, in field-number order. */
  readonly written: readonly Field[];
}

const compiled = new WeakMap<MessageSchema, CompiledSchema>();

export function compile(schema: MessageSchema): CompiledSchema {
  let c = compiled.get(schema);
  if (c === undefined) {
    c = {
      ...schema,
      byNo: new Map(schema.fields.map((f) => [f.no, f])),
      written: schema.fields.filter((f) => f.readOnly !== true).sort((a, b) => a.no - b.no),
    };
    compiled.set(schema, c);
  }
  return c;
}

export const message = (name: string, fields: readonly Field[]): MessageSchema => ({ name, fields });

export const isIntegral = (v: unknown): boolean => typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v));

/** Nesting of messages and values at most, as protobuf's own readers limit recursion (100 there). */
export const MAX_DEPTH = 64;

/** The wire type each scalar is written with. */
export const WIRE_OF: Record<Scalar, number> = {
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

export const isScalar = (type: Field['type']): type is Scalar => typeof type === 'string' && type in WIRE_OF;
