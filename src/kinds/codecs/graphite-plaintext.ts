import { defineCodec } from '../../sdk/codec-api.js';
import { asRecord, describe, formatNumber, oneLine, parseNumber, setOwn, textField, textLine } from './text-line.js';

const CODEC = 'graphite-plaintext';
const FORMAT = 'metric.path[;tag=value...] value timestamp';

/** Carbon's convention: a timestamp of -1 means "now", in seconds since the epoch. */
const nowSeconds = (): number => Math.floor(Date.now() / 1000);

function parseTags(parts: string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const part of parts) {
    const eq = part.indexOf('=');
    if (eq <= 0 || eq === part.length - 1) throw new Error(`${CODEC}: tag ${JSON.stringify(part)} is not name=value; expected ${FORMAT}`);
    setOwn(tags, part.slice(0, eq), part.slice(eq + 1));
  }
  return tags;
}

export const graphitePlaintext = defineCodec({
  name: 'graphite-plaintext',
  description:
    "One line of Graphite's plaintext protocol `path[;tag=value...] value timestamp` to {metric, value, timestamp, tags?} and back; timestamp -1 means now (seconds).",
  create() {
    return {
      decode(data) {
        const line = textLine(data, CODEC);
        oneLine(line, CODEC);
        if (line.trim() === '') throw new Error(`${CODEC}: empty line; expected ${FORMAT}`);
        const parts = line.trim().split(/[ \t]+/);
        if (parts.length !== 3) throw new Error(`${CODEC}: ${parts.length} space-separated parts; expected 3: ${FORMAT}`);
        const [path, valueText, tsText] = parts as [string, string, string];
        const [metric, ...tagParts] = path.split(';') as [string, ...string[]];
        if (metric === '') throw new Error(`${CODEC}: empty metric path; expected ${FORMAT}`);
        const value = parseNumber(valueText);
        if (value === undefined) throw new Error(`${CODEC}: value ${JSON.stringify(valueText)} is not a number; expected ${FORMAT}`);
        let timestamp: number | bigint;
        if (tsText === '-1') timestamp = nowSeconds();
        else {
          const ts = /^\d+$/.test(tsText) ? parseNumber(tsText) : undefined;
          if (ts === undefined) throw new Error(`${CODEC}: timestamp ${JSON.stringify(tsText)} is not whole seconds since the epoch (or -1); expected ${FORMAT}`);
          timestamp = ts;
        }
        const out: Record<string, unknown> = { metric, value, timestamp };
        if (tagParts.length > 0) out.tags = parseTags(tagParts);
        return out;
      },
      encode(value) {
        const r = asRecord(value, CODEC, '{metric, value, timestamp?, tags?}');
        let path = textField(r, 'metric', CODEC, /[\s;]/);
        if (path === '') throw new Error(`${CODEC}: "metric" must not be empty`);
        if (r.tags !== undefined && r.tags !== null) {
          const tags = asRecord(r.tags, CODEC, 'a record of strings under "tags"');
          for (const [k, v] of Object.entries(tags)) {
            if (typeof v !== 'string' || k === '' || v === '' || /[\s;=]/.test(k) || /[\s;]/.test(v)) {
              throw new Error(`${CODEC}: tag ${JSON.stringify(k)} must be a non-empty name and string value without spaces, ";" or "=" in the name, got ${describe(v)}`);
            }
            path += `;${k}=${v}`;
          }
        }
        const ts = r.timestamp ?? -1;
        if (!((typeof ts === 'bigint' && ts >= 0n) || (typeof ts === 'number' && Number.isInteger(ts) && ts >= -1))) {
          throw new Error(`${CODEC}: "timestamp" must be whole seconds since the epoch (or -1 for now), got ${describe(ts)}`);
        }
        return `${path} ${formatNumber(r.value, '"value"', CODEC)} ${String(ts)}`;
      },
    };
  },
});
