import { defineCodec } from '../../sdk/codec-api.js';
import { asRecord, describe, formatNumber, oneLine, parseNumber, textField, textLine } from './text-line.js';

/**
 * DogStatsD v1.2 in Tremor's shape: `{metric: {...}}`, `{event: {...}}` or `{service_check: {...}}`.
 * Unknown `|x:` sections are skipped on the way in, as Datadog's agent and Tremor do, so that newer
 * clients still get through.
 */
const TYPES = ['c', 'g', 'ms', 'h', 's', 'd'] as const;
const METRIC_FORMAT = 'name:value[:value...]|type[|@rate][|#tags][|c:container]';
const EVENT_FORMAT = '_e{title_length,text_length}:title|text[|d:..][|h:..][|k:..][|p:..][|s:..][|t:..][|#tags][|c:..]';
const CHECK_FORMAT = '_sc|name|status[|d:..][|h:..][|#tags][|c:..][|m:message]';

type Fields = Record<string, unknown>;
const CODEC = 'dogstatsd';
function fail(what: string, format: string): never {
  throw new Error(`${CODEC}: ${what}; expected ${format}`);
}

function number(text: string, what: string, format: string): number {
  const n = parseNumber(text);
  if (n === undefined) fail(`${what} ${JSON.stringify(text)} is not a number`, format);
  return Number(n);
}

function timestamp(text: string, format: string): number {
  if (!/^\d+$/.test(text)) fail(`timestamp ${JSON.stringify(text)} is not a whole number of seconds`, format);
  return Number(text);
}

/** Sections shared by all three kinds: tags and container id. Anything else is skipped. */
function common(section: string, out: Fields): void {
  if (section.startsWith('#')) out.tags = section.slice(1).split(',');
  else if (section.startsWith('c:')) out.container_id = section.slice(2);
}

function decodeMetric(line: string): Fields {
  const colon = line.indexOf(':');
  if (colon <= 0) fail(colon === 0 ? 'empty metric name' : 'missing ":" after the metric name', METRIC_FORMAT);
  const [values, type, ...sections] = line.slice(colon + 1).split('|') as [string, string | undefined, ...string[]];
  if (type === undefined) fail('missing "|" and a type after the value', METRIC_FORMAT);
  if (!(TYPES as readonly string[]).includes(type)) fail(`unknown type ${JSON.stringify(type)} (one of ${TYPES.join(', ')})`, METRIC_FORMAT);
  const out: Fields = { metric: line.slice(0, colon), values: values.split(':').map((v) => number(v, 'value', METRIC_FORMAT)), type };
  for (const section of sections) {
    if (section.startsWith('@')) out.sample_rate = number(section.slice(1), 'sample rate', METRIC_FORMAT);
    else common(section, out);
  }
  return { metric: out };
}

function decodeEvent(data: Buffer): Fields {
  // Lengths count UTF-8 bytes, so the title and text are cut from the bytes, not the string.
  const head = /^_e\{(\d+),(\d+)\}:/.exec(data.subarray(0, 32).toString('latin1'));
  if (head === null) fail('malformed event header', EVENT_FORMAT);
  const titleLength = Number(head[1]);
  const textLength = Number(head[2]);
  const start = head[0].length;
  const textStart = start + titleLength + 1;
  const textEnd = textStart + textLength;
  if (data.length < textEnd) fail(`event of ${data.length} bytes is shorter than its title and text lengths say (${textEnd})`, EVENT_FORMAT);
  if (data[start + titleLength] !== 0x7c) fail(`no "|" after the title of ${titleLength} bytes`, EVENT_FORMAT);
  if (textEnd < data.length && data[textEnd] !== 0x7c) fail(`no "|" after the text of ${textLength} bytes`, EVENT_FORMAT);
  const out: Fields = {
    title: data.toString('utf8', start, start + titleLength),
    text: data.toString('utf8', textStart, textEnd),
  };
  const rest = data.toString('utf8', textEnd + 1);
  const fields: Record<string, string> = { 'h:': 'hostname', 'k:': 'aggregation_key', 'p:': 'priority', 's:': 'source', 't:': 'type' };
  for (const section of textEnd < data.length ? rest.split('|') : []) {
    const key = fields[section.slice(0, 2)];
    if (section.startsWith('d:')) out.timestamp = timestamp(section.slice(2), EVENT_FORMAT);
    else if (key !== undefined) out[key] = section.slice(2);
    else common(section, out);
  }
  return { event: out };
}

function decodeServiceCheck(line: string): Fields {
  const [, name, status, ...sections] = line.split('|') as [string, string | undefined, string | undefined, ...string[]];
  if (name === undefined || status === undefined) fail('missing name or status', CHECK_FORMAT);
  if (!/^[0-3]$/.test(status)) fail(`status ${JSON.stringify(status)} is not 0, 1, 2 or 3`, CHECK_FORMAT);
  const out: Fields = { name, status: Number(status) };
  for (const section of sections) {
    if (section.startsWith('d:')) out.timestamp = timestamp(section.slice(2), CHECK_FORMAT);
    else if (section.startsWith('h:')) out.hostname = section.slice(2);
    else if (section.startsWith('m:')) out.message = section.slice(2);
    else common(section, out);
  }
  return { service_check: out };
}

const FORBIDDEN = /[|\r\n]/;
const optionalText = (r: Fields, key: string, prefix: string): string =>
  r[key] === undefined || r[key] === null ? '' : `|${prefix}${textField(r, key, CODEC, FORBIDDEN)}`;

function tagsAndContainer(r: Fields): string {
  let out = '';
  if (r.tags !== undefined && r.tags !== null) {
    if (!Array.isArray(r.tags) || r.tags.some((t) => typeof t !== 'string' || /[,|\r\n]/.test(t))) {
      throw new Error(`${CODEC}: "tags" must be an array of strings without ",", "|" or line breaks, got ${describe(r.tags)}`);
    }
    out += `|#${r.tags.join(',')}`;
  }
  return out + optionalText(r, 'container_id', 'c:');
}

const optionalTimestamp = (r: Fields): string => (r.timestamp === undefined || r.timestamp === null ? '' : `|d:${formatNumber(r.timestamp, '"timestamp"', CODEC)}`);

function encodeMetric(r: Fields): string {
  const metric = textField(r, 'metric', CODEC, /[:|\r\n]/);
  if (metric === '' || metric.startsWith('_e{') || metric.startsWith('_sc|')) throw new Error(`${CODEC}: "metric" must not be empty or start like an event or service check, got ${describe(metric)}`);
  const type = r.type;
  if (typeof type !== 'string' || !(TYPES as readonly string[]).includes(type)) throw new Error(`${CODEC}: "type" must be one of ${TYPES.join(', ')}, got ${describe(type)}`);
  if (!Array.isArray(r.values) || r.values.length === 0) throw new Error(`${CODEC}: "values" must be a non-empty array of numbers, got ${describe(r.values)}`);
  const values = r.values.map((v) => formatNumber(v, '"values"', CODEC)).join(':');
  const rate = r.sample_rate === undefined || r.sample_rate === null ? '' : `|@${formatNumber(r.sample_rate, '"sample_rate"', CODEC)}`;
  return `${metric}:${values}|${type}${rate}${tagsAndContainer(r)}`;
}

function encodeEvent(r: Fields): string {
  // Datadog writes line breaks in an event as the two characters \n; a raw one would end the datagram.
  const title = textField(r, 'title', CODEC, /[\r\n]/);
  const text = textField(r, 'text', CODEC, /[\r\n]/);
  const fields = ['hostname', 'aggregation_key', 'priority', 'source', 'type'];
  const prefixes = ['h:', 'k:', 'p:', 's:', 't:'];
  const optional = fields.map((key, i) => optionalText(r, key, prefixes[i]!)).join('');
  return `_e{${Buffer.byteLength(title)},${Buffer.byteLength(text)}}:${title}|${text}${optionalTimestamp(r)}${optional}${tagsAndContainer(r)}`;
}

function encodeServiceCheck(r: Fields): string {
  const name = textField(r, 'name', CODEC, FORBIDDEN);
  const status = r.status;
  if (status !== 0 && status !== 1 && status !== 2 && status !== 3) throw new Error(`${CODEC}: "status" must be 0, 1, 2 or 3, got ${describe(status)}`);
  // Datadog's format wants the message last.
  return `_sc|${name}|${status}${optionalTimestamp(r)}${optionalText(r, 'hostname', 'h:')}${tagsAndContainer(r)}${optionalText(r, 'message', 'm:')}`;
}

export const dogstatsd = defineCodec({
  name: 'dogstatsd',
  description:
    'One DogStatsD v1.2 datagram line to {metric: {metric, values, type, sample_rate?, tags?, container_id?}}, {event: {title, text, ...}} or {service_check: {name, status, ...}} and back.',
  create() {
    return {
      decode(data) {
        const line = textLine(data, CODEC);
        if (line.startsWith('_e{')) return decodeEvent(Buffer.from(line));
        oneLine(line, CODEC);
        return line.startsWith('_sc|') ? decodeServiceCheck(line) : decodeMetric(line);
      },
      encode(value) {
        const r = asRecord(value, CODEC, '{metric: {...}}, {event: {...}} or {service_check: {...}}');
        if (r.metric !== undefined) return encodeMetric(asRecord(r.metric, CODEC, 'a record under "metric"'));
        if (r.event !== undefined) return encodeEvent(asRecord(r.event, CODEC, 'a record under "event"'));
        if (r.service_check !== undefined) return encodeServiceCheck(asRecord(r.service_check, CODEC, 'a record under "service_check"'));
        throw new Error(`${CODEC}: expected a record with "metric", "event" or "service_check", got ${describe(value)}`);
      },
    };
  },
});
