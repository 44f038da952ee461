import { readFileSync, writeFileSync } from 'node:fs';
import { fillReference, referenceSections } from '../docs/reference.js';
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
  errors: 'Error codes',
};

export async function doc(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv, COMMANDS.doc!.options);
  if (values.help) {
    process.stdout.write(DOC_HELP);
    return 0;
  }
  // A mistyped section is refused before any module is loaded.
  const wanted = positionals.length === 0 ? Object.keys(TITLES) : positionals;
  const unknown = wanted.filter((w) => !Object.hasOwn(TITLES, w));
  if (unknown.length > 0) {
    process.stderr.write(`tremolo doc: unknown section ${JSON.stringify(unknown[0])}; ${didYouMean(unknown[0]!, Object.keys(TITLES))}sections: ${Object.keys(TITLES).join(', ')}\n`);
    return 2;
  }
  const regs = await registriesWith((values.use as string[] | undefined) ?? [], 'doc');
  if (regs === undefined) return 1;
  const sections = referenceSections(regs);
  if (typeof values.update === 'string') {
    const before = readFileSync(values.update, 'utf8');
    const after = fillReference(before, sections);
    if (after !== before) writeFileSync(values.update, after);
    process.stdout.write(`${values.update}: ${after === before ? 'up to date' : 'updated'}\n`);
    return 0;
  }
  process.stdout.write(wanted.map((w) => `## ${TITLES[w]}\n\n${sections[w]}`).join('\n'));
  return 0;
}
