import { isUtf8 } from 'node:buffer';
import { z } from 'zod';
import { defineCodec } from '../../sdk/codec-api.js';
import { asRecord, describe, setOwn } from './text-line.js';

const CODEC = 'influx';
const FORMAT = 'measurement[,tag=value...] field=value[,field=value...] [timestamp]';
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
const U64_MAX = 2n ** 64n - 1n;

const Config = z.strictObject({
  integers: z
    .enum(['number', 'bigint'])
    .default('number')
    .describe(
      'number: `42i` decodes to a number (a bigint beyond 2^53) and integral numbers encode as `42i`, so a float `42` comes back as `42i`; bigint: integers decode to and encode from bigint, numbers always encode as floats, so every field keeps its type',
    ),
});
export type InfluxConfig = z.output<typeof Config>;

export interface InfluxRecord {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, number | bigint | string | boolean>;
  /** Nanoseconds since the epoch (a bigint beyond 2^53, as they usually are), or null when absent. */
  timestamp: number | bigint | null;
}

class Reader {
  i = 0;
  constructor(readonly text: string) {}
  fail(what: string): never {
    throw new Error(`${CODEC}: ${what} at character ${this.i}; expected ${FORMAT}`);
  }
  /** Text up to an unescaped stop character; `\` before one of `escapable` stands for it. */
  name(stops: string, escapable: string): string {
    let out = '';
    let from = this.i;
    const t = this.text;
    while (this.i < t.length) {
      const c = t[this.i]!;
      if (c === '\\' && this.i + 1 < t.length && escapable.includes(t[this.i + 1]!)) {
        out += t.slice(from, this.i) + t[this.i + 1];
        this.i += 2;
        from = this.i;
      } else if (stops.includes(c)) break;
      else this.i++;
    }
    return out + t.slice(from, this.i);
  }
  /** A double-quoted string field value; only `\"` and `\\` are escapes, other backslashes stay. */
  quoted(): string {
    const t = this.text;
    const open = this.i++;
    let out = '';
    let from = this.i;
    while (this.i < t.length) {
      const c = t[this.i]!;
      if (c === '\\' && (t[this.i + 1] === '"' || t[this.i + 1] === '\\')) {
        out += t.slice(from, this.i) + t[this.i + 1];
        this.i += 2;
        from = this.i;
      } else if (c === '"') {
        out += t.slice(from, this.i++);
        return out;
      } else this.i++;
    }
    this.i = open;
    return this.fail('string field value not closed by a double quote');
  }
  peek(): string | undefined {
    return this.text[this.i];
  }
}

const BOOLEANS: Record<string, boolean> = { t: true, T: true, true: true, True: true, TRUE: true, f: false, F: false, false: false, False: false, FALSE: false };

function scalar(token: string, key: string, bigints: boolean, r: Reader): number | bigint | boolean {
  const bool = BOOLEANS[token];
  if (bool !== undefined) return bool;
  const int = /^([+-]?\d+)([iu])$/.exec(token);
  if (int !== null) {
    const n = BigInt(int[1]!);
    const [lo, hi] = int[2] === 'i' ? [I64_MIN, I64_MAX] : [0n, U64_MAX];
    if (n < lo || n > hi) r.fail(`field "${key}" value ${token} is out of range for ${int[2] === 'i' ? 'a signed' : 'an unsigned'} 64-bit integer`);
    return bigints || n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER) ? n : Number(n);
  }
  if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(token)) return Number(token);
  return r.fail(`field "${key}" value ${JSON.stringify(token)} is not a float, an integer (42i), an unsigned (42u), a boolean or a "string"`);
}

export function decodeInflux(text: string, bigints: boolean): InfluxRecord | undefined {
  if (text.endsWith('\n')) text = text.slice(0, text.endsWith('\r\n') ? -2 : -1);
  if (text.trim() === '' || text.startsWith('#')) return undefined;
  const r = new Reader(text);
  const measurement = r.name(', \n', ', \\');
  if (measurement === '') r.fail('empty measurement');
  const tags: Record<string, string> = {};
  while (r.peek() === ',') {
    r.i++;
    const key = r.name('=, \n', ',= \\');
    if (key === '' || r.peek() !== '=') r.fail(key === '' ? 'empty tag key' : `tag "${key}" without "=value"`);
    r.i++;
    const value = r.name(', \n', ',= \\');
    if (value === '') r.fail(`empty value for tag "${key}"`);
    setOwn(tags, key, value);
  }
  if (r.peek() !== ' ') r.fail('missing space and fields after the measurement and tags');
  const fields: InfluxRecord['fields'] = {};
  do {
    r.i++;
    const key = r.name('=, \n', ',= \\');
    if (key === '' || r.peek() !== '=') r.fail(key === '' ? 'empty field key' : `field "${key}" without "=value"`);
    r.i++;
    if (r.peek() === '"') setOwn(fields, key, r.quoted());
    else {
      const start = r.i;
      while (r.i < text.length && text[r.i] !== ',' && text[r.i] !== ' ') r.i++;
      const token = text.slice(start, r.i);
      r.i = start;
      setOwn(fields, key, scalar(token, key, bigints, r));
      r.i = start + token.length;
    }
  } while (r.peek() === ',');
  let timestamp: InfluxRecord['timestamp'] = null;
  if (r.peek() === ' ') {
    r.i++;
    const ts = text.slice(r.i);
    if (!/^-?\d+$/.test(ts)) r.fail(`timestamp ${JSON.stringify(ts)} is not an integer of nanoseconds`);
    const n = BigInt(ts);
    timestamp = n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER) ? n : Number(n);
    r.i = text.length;
  }
  if (r.i < text.length) r.fail(`unexpected ${JSON.stringify(text[r.i])}`);
  return { measurement, tags, fields, timestamp };
}

const escapeMeasurement = (s: string): string => s.replace(/[\\, ]/g, '\\$&');
const escapeKey = (s: string): string => s.replace(/[\\,= ]/g, '\\$&');

function name(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '' || /[\r\n]/.test(value)) {
    throw new Error(`${CODEC}: ${what} must be a non-empty string without line breaks, got ${describe(value)}`);
  }
  return value;
}

function fieldValue(key: string, v: unknown, bigints: boolean): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return `"${v.replace(/[\\"]/g, '\\$&')}"`;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'bigint') {
    if (v >= I64_MIN && v <= I64_MAX) return `${v}i`;
    if (v > I64_MAX && v <= U64_MAX) return `${v}u`;
  } else if (typeof v === 'number' && Number.isFinite(v)) {
    return !bigints && Number.isSafeInteger(v) ? `${v}i` : String(v);
  }
  throw new Error(`${CODEC}: field "${key}" must be a finite number, a 64-bit integer, a string or a boolean, got ${describe(v)}`);
}

export function encodeInflux(value: unknown, bigints: boolean): string {
  const r = asRecord(value, CODEC, '{measurement, tags?, fields, timestamp?}');
  const measurement = name(r.measurement, '"measurement"');
  if (measurement.startsWith('#')) throw new Error(`${CODEC}: "measurement" must not start with "#" (that line would be a comment), got ${describe(measurement)}`);
  let line = escapeMeasurement(measurement);
  if (r.tags !== undefined && r.tags !== null) {
    for (const [k, v] of Object.entries(asRecord(r.tags, CODEC, 'a record under "tags"'))) {
      const text = typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint' ? String(v) : v;
      line += `,${escapeKey(name(k, 'a tag key'))}=${escapeKey(name(text, `tag "${k}"`))}`;
    }
  }
  const fields = Object.entries(asRecord(r.fields, CODEC, 'a record of field values under "fields"')).flatMap(([k, v]) => {
    const text = fieldValue(k, v, bigints);
    return text === undefined ? [] : [`${escapeKey(name(k, 'a field key'))}=${text}`];
  });
  if (fields.length === 0) throw new Error(`${CODEC}: a line needs at least one field that is not null`);
  line += ` ${fields.join(',')}`;
  const ts = r.timestamp;
  if (ts === undefined || ts === null) return line;
  if (typeof ts === 'bigint' || Number.isSafeInteger(ts)) return `${line} ${String(ts)}`;
  throw new Error(`${CODEC}: "timestamp" must be an integer of nanoseconds (a bigint beyond 2^53) or null, got ${describe(ts)}`);
}

export const influx = defineCodec({
  name: 'influx',
  description:
    'One line of InfluxDB line protocol to {measurement, tags, fields, timestamp} and back. Comment and blank lines carry nothing.',
  config: Config,
  create({ integers }) {
    const bigints = integers === 'bigint';
    return {
      decode(data) {
        if (!isUtf8(data)) throw new Error(`${CODEC}: not valid UTF-8`);
        return decodeInflux(data.toString('utf8'), bigints);
      },
      encode: (value) => encodeInflux(value, bigints),
    };
  },
});
