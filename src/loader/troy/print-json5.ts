import JSON5 from 'json5';

/**
 * JSON5 as the shipped flows are written: single quotes, bare keys where they are names, trailing
 * commas, and anything short enough on one line, so a converted flow reads like a hand-written one.
 */
const WIDTH = 100;
const BARE_KEY = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const scalar = (v: unknown): string => JSON5.stringify(v, { quote: "'" });
const key = (k: string): string => (BARE_KEY.test(k) ? k : scalar(k));

function inline(value: unknown): string | undefined {
  if (Array.isArray(value)) {
    const items = value.map(inline);
    return items.every((i) => i !== undefined) ? `[${items.join(', ')}]` : undefined;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    const parts = entries.map(([k, v]) => {
      const text = inline(v);
      return text === undefined ? undefined : `${key(k)}: ${text}`;
    });
    return parts.every((p) => p !== undefined) ? `{ ${parts.join(', ')} }` : undefined;
  }
  return scalar(value);
}

export function printJson5(value: unknown, indent = '', room = WIDTH): string {
  const flat = inline(value);
  if (flat !== undefined && indent.length + flat.length <= room && !flat.includes('\n')) return flat;
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    return `[\n${value.map((v) => `${inner}${printJson5(v, inner)},\n`).join('')}${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const lines = Object.entries(value).map(([k, v]) => `${inner}${key(k)}: ${printJson5(v, inner, WIDTH - key(k).length - 2)},\n`);
    return `{\n${lines.join('')}${indent}}`;
  }
  return scalar(value);
}
