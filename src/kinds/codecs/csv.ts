import { isUtf8 } from 'node:buffer';
import { z } from 'zod';
import { defineCodec } from '../../sdk/codec-api.js';
import { describe } from './text-line.js';

const Config = z.strictObject({
  separator: z
    .string()
    .refine((s) => s.length === 1 && !/["\r\n]/.test(s), { error: 'expected one character other than a double quote, CR or LF' })
    .default(',')
    .describe('the field separator, one character'),
});
export type CsvConfig = z.output<typeof Config>;

/** One CSV record (RFC 4180) to its fields; `undefined` for an empty line. */
export function parseRecord(text: string, sep: string): string[] | undefined {
  // One trailing line break ends the record; any other outside quotes is a second record.
  let end = text.length;
  if (text.endsWith('\r\n')) end -= 2;
  else if (text.endsWith('\n') || text.endsWith('\r')) end -= 1;
  if (end === 0) return undefined;
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      const open = i;
      let value = '';
      let from = i + 1;
      for (;;) {
        const close = text.indexOf('"', from);
        if (close < 0 || close >= end) throw new Error(`csv: quoted field ${fields.length + 1} opened at character ${open} is not closed; expected a closing '"'`);
        value += text.slice(from, close);
        if (close + 1 < end && text[close + 1] === '"') {
          value += '"';
          from = close + 2;
          continue;
        }
        i = close + 1;
        break;
      }
      fields.push(value);
      if (i === end) return fields;
      if (text[i] !== sep) {
        throw new Error(`csv: ${JSON.stringify(text[i])} after the closing quote of field ${fields.length} at character ${i}; expected ${JSON.stringify(sep)} or the end of the line`);
      }
      i++;
    } else {
      const next = text.indexOf(sep, i);
      const stop = next < 0 || next >= end ? end : next;
      const raw = text.slice(i, stop);
      const lineBreak = raw.search(/[\r\n]/);
      if (lineBreak >= 0) throw new Error(`csv: line break at character ${i + lineBreak} outside quotes; expected one record per frame (split lines with the separate preprocessor)`);
      fields.push(raw);
      if (stop === end) return fields;
      i = stop + 1;
    }
  }
}

function fieldText(value: unknown, index: number): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
  const text = JSON.stringify(value);
  if (text === undefined) throw new Error(`csv: field ${index + 1} has no text form (${describe(value)})`);
  return text;
}

export const csv = defineCodec({
  name: 'csv',
  description:
    'One CSV line (RFC 4180) to an array of strings and back. Fields holding the separator, a quote, CR or LF are quoted, quotes doubled.',
  config: Config,
  mimeTypes: ['text/csv'],
  create({ separator }) {
    const needsQuotes = new RegExp(`["\\r\\n${separator.replace(/[\\\]^-]/g, '\\$&')}]`);
    return {
      decode(data) {
        if (!isUtf8(data)) throw new Error('csv: not valid UTF-8');
        return parseRecord(data.toString('utf8'), separator);
      },
      encode(value) {
        if (!Array.isArray(value)) throw new Error(`csv: expected an array of fields, got ${describe(value)}`);
        // A lone empty field is written quoted, or the line would read back as no record at all.
        if (value.length === 1 && fieldText(value[0], 0) === '') return '""';
        return value
          .map((v, i) => {
            const text = fieldText(v, i);
            return needsQuotes.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
          })
          .join(separator);
      },
    };
  },
});
