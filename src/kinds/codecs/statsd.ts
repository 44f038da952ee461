import { defineCodec } from '../../sdk/codec-api.js';
import { asRecord, describe, formatNumber, oneLine, parseNumber, textField, textLine } from './text-line.js';

const TYPES = ['c', 'g', 'ms', 'h', 's'] as const;
type StatsdType = (typeof TYPES)[number];
const isType = (t: string): t is StatsdType => (TYPES as readonly string[]).includes(t);

export interface StatsdMetric {
  metric: string;
  value: number | bigint;
  type: StatsdType;
  /** Gauges only: `+` (add) or `-` (sub) before the value; the value is then its magnitude. */
  action?: 'add' | 'sub';
  sample_rate?: number;
}

const FORMAT = 'name:value|type[|@rate]';

export function decodeStatsd(line: string): StatsdMetric {
  const colon = line.indexOf(':');
  if (colon < 0) throw new Error(`statsd: missing ":" after the metric name; expected ${FORMAT}`);
  const metric = line.slice(0, colon);
  if (metric === '') throw new Error(`statsd: empty metric name; expected ${FORMAT}`);
  const parts = line.slice(colon + 1).split('|');
  if (parts.length < 2) throw new Error(`statsd: missing "|" and a type after the value; expected ${FORMAT}`);
  if (parts.length > 3) throw new Error(`statsd: unexpected section ${JSON.stringify(parts[3])}; expected ${FORMAT} (tags need the dogstatsd codec)`);
  const [valueText, type, rate] = parts as [string, string, string | undefined];
  if (!isType(type)) throw new Error(`statsd: unknown type ${JSON.stringify(type)}; expected one of ${TYPES.join(', ')}`);
  // A sign on a gauge is a delta (Tremor's `action`); on other types `+` is dropped and `-` kept.
  const sign = valueText[0] === '+' || valueText[0] === '-' ? valueText[0] : '';
  const value = parseNumber(sign === '+' ? valueText.slice(1) : valueText);
  if (value === undefined || (sign === '+' && /^[+-]/.test(valueText.slice(1)))) {
    throw new Error(`statsd: value ${JSON.stringify(valueText)} is not a number; expected ${FORMAT}`);
  }
  const out: StatsdMetric = { metric, value, type };
  if (type === 'g' && sign !== '') {
    out.action = sign === '+' ? 'add' : 'sub';
    if (sign === '-') out.value = -value;
  }
  if (rate !== undefined) {
    if (!rate.startsWith('@')) throw new Error(`statsd: unexpected section ${JSON.stringify(rate)}; expected ${FORMAT} (tags need the dogstatsd codec)`);
    const sampleRate = parseNumber(rate.slice(1));
    if (sampleRate === undefined) throw new Error(`statsd: sample rate ${JSON.stringify(rate)} is not a number; expected ${FORMAT}`);
    out.sample_rate = Number(sampleRate);
  }
  return out;
}

export function encodeStatsd(value: unknown): string {
  const record = asRecord(value, 'statsd', '{metric, value, type, action?, sample_rate?}');
  const metric = textField(record, 'metric', 'statsd', /[:|\r\n]/);
  if (metric === '') throw new Error('statsd: "metric" must not be empty');
  const type = record.type;
  if (typeof type !== 'string' || !isType(type)) throw new Error(`statsd: "type" must be one of ${TYPES.join(', ')}, got ${describe(type)}`);
  const v = record.value;
  let text = formatNumber(v, '"value"', 'statsd');
  const action = record.action ?? undefined;
  if (action !== undefined) {
    if (type !== 'g') throw new Error(`statsd: "action" applies to gauges (type g) only, got type ${JSON.stringify(type)}`);
    if (action !== 'add' && action !== 'sub') throw new Error(`statsd: "action" must be "add" or "sub", got ${describe(action)}`);
    if (text.startsWith('-')) throw new Error(`statsd: a gauge ${action === 'add' ? 'increment' : 'decrement'} must not be negative, got ${text}`);
    text = (action === 'add' ? '+' : '-') + text;
  } else if (type === 'g' && text.startsWith('-')) {
    // On the wire a leading minus on a gauge means "subtract": a negative level has no form.
    throw new Error(`statsd: a gauge cannot be set to a negative value (${text}); use action "sub" for a decrement`);
  }
  let line = `${metric}:${text}|${type}`;
  const rate = record.sample_rate ?? undefined;
  if (rate !== undefined) line += `|@${formatNumber(rate, '"sample_rate"', 'statsd')}`;
  return line;
}

export const statsd = defineCodec({
  name: 'statsd',
  description:
    'One statsd line `name:value|type[|@rate]` (types c, g, ms, h, s) to {metric, value, type, action?, sample_rate?} and back; a signed gauge value is a delta (action add/sub).',
  create() {
    return {
      decode(data) {
        const line = textLine(data, 'statsd');
        oneLine(line, 'statsd');
        return decodeStatsd(line);
      },
      encode: encodeStatsd,
    };
  },
});
