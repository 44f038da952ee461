import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The fenced code blocks of the project's Markdown, with the marker written before each: an HTML
 * comment on the nearest non-blank line above the fence (`<!-- fragment -->`, `<!-- file: PATH -->`,
 * `<!-- invalid: NAME -->`). The docs tests check each block by its language and marker.
 */
export interface Block {
  /** The Markdown file, relative to the repository root. */
  readonly file: string;
  /** The line of the opening fence (1-based). */
  readonly line: number;
  readonly lang: string;
  readonly text: string;
  readonly marker?: string;
}

export const root = path.resolve(import.meta.dirname, '../../..');

/** README.md, CONTRIBUTING.md and every Markdown file under docs/, relative to the root. */
export function markdownFiles(): string[] {
  const files = ['README.md', 'CONTRIBUTING.md'];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (entry.name.endsWith('.md')) files.push(rel);
    }
  };
  walk('docs');
  return files;
}

export function blocks(file: string): Block[] {
  const lines = readFileSync(path.join(root, file), 'utf8').split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(```+)(\S*)\s*$/.exec(lines[i]!);
    if (open === null) continue;
    const [, indent, fence, lang] = open;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && lines[j]!.trimEnd() !== `${indent}${fence}`; j++) body.push(lines[j]!.slice(indent!.length));
    let k = i - 1;
    while (k >= 0 && lines[k]!.trim() === '') k--;
    const marker = k >= 0 ? /^\s*<!--\s*(.*?)\s*-->\s*$/.exec(lines[k]!)?.[1] : undefined;
    out.push({ file, line: i + 1, lang: lang!, text: `${body.join('\n')}\n`, ...(marker === undefined ? {} : { marker }) });
    i = j;
  }
  return out;
}

/** Relative links `[text](target)` of a Markdown file, code spans and blocks left out. */
export function links(file: string): { line: number; target: string }[] {
  const out: { line: number; target: string }[] = [];
  let inBlock = false;
  readFileSync(path.join(root, file), 'utf8')
    .split('\n')
    .forEach((text, i) => {
      if (/^\s*```/.test(text)) inBlock = !inBlock;
      if (inBlock) return;
      for (const m of text.replace(/`[^`]*`/g, '').matchAll(/\]\(([^)\s]+)\)/g)) {
        if (!/^[a-z]+:/i.test(m[1]!) && !m[1]!.startsWith('#')) out.push({ line: i + 1, target: m[1]! });
      }
    });
  return out;
}

/**
 * Repository files the prose of a Markdown file names (`src/…/x.ts`, `test/…/y.test.ts`, …), code
 * blocks left out: those show a user's own project as often as this one.
 */
export function namedFiles(file: string): { line: number; target: string }[] {
  const out: { line: number; target: string }[] = [];
  let inBlock = false;
  readFileSync(path.join(root, file), 'utf8')
    .split('\n')
    .forEach((text, i) => {
      if (/^\s*```/.test(text)) inBlock = !inBlock;
      if (inBlock) return;
      for (const m of text.matchAll(/(?<![\w./-])((?:src|test|bench|packages)\/[\w./-]+\.(?:ts|json5|py|troy|md))\b/g)) out.push({ line: i + 1, target: m[1]! });
    });
  return out;
}
