import { readFileSync, writeFileSync } from 'node:fs';
import { fillReference, referenceSections } from '../flow/reference.js';
import { DOC_HELP } from './help.js';
import { parse } from './options.js';

const TITLES: Record<string, string> = {
  connectors: 'Connectors',
  codecs: 'Codecs',
  processors: 'Processors',
  operators: 'Operators',
  errors: 'Error codes',
};

export function doc(argv: readonly string[]): number {
  const { values, positionals } = parse(argv, { update: { type: 'string' } });
  if (values.help) {
    process.stdout.write(DOC_HELP);
    return 0;
  }
  const sections = referenceSections();
  if (typeof values.update === 'string') {
    const before = readFileSync(values.update, 'utf8');
    const after = fillReference(before, sections);
    if (after !== before) writeFileSync(values.update, after);
    process.stdout.write(`${values.update}: ${after === before ? 'up to date' : 'updated'}\n`);
    return 0;
  }
  const wanted = positionals.length === 0 ? Object.keys(sections) : positionals;
  const unknown = wanted.filter((w) => sections[w] === undefined);
  if (unknown.length > 0) {
    process.stderr.write(`tremolo doc: unknown section ${JSON.stringify(unknown[0])}; sections: ${Object.keys(sections).join(', ')}\n`);
    return 2;
  }
  process.stdout.write(wanted.map((w) => `## ${TITLES[w]}\n\n${sections[w]}`).join('\n'));
  return 0;
}
