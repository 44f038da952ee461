import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fillReference, referenceSections } from '../docs/reference.js';
import { GENERATED, PAGE_KINDS, pageNames, pagesNamed, referencePages } from '../docs/reference-pages.js';
import type { Registries } from '../../sdk/registries.js';
import { didYouMean } from '../../sdk/suggest.js';
import { COMMANDS } from './commands.js';
import { DOC_HELP } from './help.js';
import { parse } from './options.js';
import { registriesWith } from './schema.js';

const TITLES: Record<string, string> = {
  connectors: 'Connectors',
  codecs: 'Codecs',
  processors: 'Processors',
  operators: 'Operators',
  functions: 'Expression functions',
  errors: 'Error codes',
};

export async function doc(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv, COMMANDS.doc!.options);
  if (values.help) {
    process.stdout.write(DOC_HELP);
    return 0;
  }
  const regs = await registriesWith((values.use as string[] | undefined) ?? [], 'doc');
  if (regs === undefined) return 1;
  if (typeof values.update === 'string') return update(values.update, regs);
  const wanted = positionals.length === 0 ? Object.keys(TITLES) : positionals;
  // Rendered once: the names, and the pages of those asked for, come from the same pages.
  const pages = referencePages(regs);
  const names = pageNames(pages);
  const unknown = wanted.find((w) => !Object.hasOwn(TITLES, w) && !names.includes(w));
  if (unknown !== undefined) {
    process.stderr.write(
      `tremolo doc: unknown section or name ${JSON.stringify(unknown)}; ${didYouMean(unknown, [...Object.keys(TITLES), ...names])}sections: ${Object.keys(TITLES).join(', ')}; or the name of a connector kind, codec, processor or operator (tremolo doc ws_server)\n`,
    );
    return 2;
  }
  const sections = wanted.some((w) => Object.hasOwn(TITLES, w)) ? referenceSections(regs) : undefined;
  const out = wanted.map((w) =>
    Object.hasOwn(TITLES, w)
      ? `## ${TITLES[w]}\n\n${sections![w]}`
      : pagesNamed(w, pages)
          .map((p) => p.text.slice(GENERATED.length + 2))
          .join('\n'),
  );
  process.stdout.write(out.join('\n'));
  return 0;
}

/** A folder gets one file per page; a Markdown file gets its `<!-- reference:SECTION -->` markers filled. */
function update(target: string, regs: Registries): number {
  const isFile = existsSync(target) ? statSync(target).isFile() : target.endsWith('.md');
  if (isFile) {
    const before = readFileSync(target, 'utf8');
    const after = fillReference(before, referenceSections(regs));
    if (after !== before) writeFileSync(target, after);
    process.stdout.write(`${target}: ${after === before ? 'up to date' : 'updated'}\n`);
    return 0;
  }
  const pages = referencePages(regs);
  let written = 0;
  for (const p of pages) {
    const file = path.join(target, p.path);
    if (existsSync(file) && readFileSync(file, 'utf8') === p.text) continue;
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, p.text);
    written++;
  }
  // A page whose kind is gone is removed, but only one this command wrote: never a hand-written file.
  const keep = new Set(pages.map((p) => path.join(target, p.path)));
  let removed = 0;
  for (const kind of PAGE_KINDS) {
    const dir = path.join(target, kind);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const file = path.join(dir, name);
      if (name.endsWith('.md') && !keep.has(file) && readFileSync(file, 'utf8').startsWith(GENERATED)) {
        rmSync(file);
        removed++;
      }
    }
  }
  const what = written + removed === 0 ? 'up to date' : [written > 0 ? `${written} page${written === 1 ? '' : 's'} written` : '', removed > 0 ? `${removed} removed` : ''].filter(Boolean).join(', ');
  process.stdout.write(`${target}: ${what} (${pages.length} pages)\n`);
  return 0;
}
