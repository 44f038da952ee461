/**
 * Maps a position in compiled JavaScript back to its TypeScript source through the `.js.map` file
 * tsc writes next to it, so that a profile of the built tremolo names `src/sdk/event.ts:48`
 * rather than a line of dist/. Only what that needs: version 3 maps, `sources` and `mappings`.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

type Segment = [generatedColumn: number, source: number, line: number, column: number];

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const maps = new Map<string, { sources: string[]; lines: Segment[][] } | undefined>();

function decode(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let source = 0;
  let line = 0;
  let column = 0;
  for (const text of mappings.split(';')) {
    const segments: Segment[] = [];
    let generated = 0;
    for (const part of text.split(',')) {
      if (part === '') continue;
      const values: number[] = [];
      let value = 0;
      let shift = 0;
      for (const ch of part) {
        const digit = BASE64.indexOf(ch);
        value += (digit & 31) << shift;
        if ((digit & 32) !== 0) shift += 5;
        else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      generated += values[0] ?? 0;
      if (values.length >= 4) {
        source += values[1]!;
        line += values[2]!;
        column += values[3]!;
        segments.push([generated, source, line, column]);
      }
    }
    lines.push(segments);
  }
  return lines;
}

/** `file:line` (1-based) in the source of a compiled file's 0-based position, or undefined. */
export function original(file: string, line: number, column: number): string | undefined {
  if (!maps.has(file)) {
    const mapFile = `${file}.map`;
    if (!existsSync(mapFile)) maps.set(file, undefined);
    else {
      const raw = JSON.parse(readFileSync(mapFile, 'utf8')) as { sources: string[]; mappings: string };
      maps.set(file, { sources: raw.sources.map((s) => path.resolve(path.dirname(file), s)), lines: decode(raw.mappings) });
    }
  }
  const map = maps.get(file);
  const segments = map?.lines[line];
  if (map === undefined || segments === undefined || segments.length === 0) return undefined;
  let best = segments[0]!;
  for (const s of segments) if (s[0] <= column) best = s;
  return `${map.sources[best[1]]}:${best[2] + 1}`;
}
