import { displayName } from '../../loader/source.js';
import { RuntimeError } from '../../sdk/errors.js';
import { didYouMean } from '../../sdk/suggest.js';
import { scaffold } from '../scaffold/generate.js';
import { isScaffold, SCAFFOLDS, type Names, type Scaffold } from '../scaffold/names.js';
import { COMMANDS } from './commands.js';
import { NEW_HELP } from './help.js';
import { parse } from './options.js';

/** How to go on with what was made: a flow in flows/ names modules relative to itself. */
const NEXT: Record<Scaffold, (n: Names) => string> = {
  flow: (n) => `run it: npx tremolo run flows/${n.file}.json5`,
  connector: (n) => `use it: use: ['../connectors/${n.file}.ts'] in a flow in flows/, then type: '${n.registered}'`,
  codec: (n) => `use it: use: ['../connectors/${n.file}.ts'] in a flow in flows/, then codec: '${n.registered}'`,
  processor: (n) => `use it: use: ['../connectors/${n.file}.ts'] in a flow in flows/, then preprocessors: ['${n.registered}'] or postprocessors: ['${n.registered}']`,
  operator: (n) => `use it: use: ['../pipelines/${n.file}.ts'] in a flow in flows/, then { op: '${n.registered}' } in a pipeline`,
};

/** `tremolo new WHAT NAME [--dir DIR]`: a flow, connector, codec, processor or operator with its test. */
export function newCommand(argv: readonly string[]): number {
  const { values, positionals } = parse(argv, COMMANDS.new!.options);
  if (values.help) {
    process.stdout.write(NEW_HELP);
    return 0;
  }
  if (positionals.length !== 2) {
    process.stderr.write(`tremolo new: expected WHAT and NAME, received ${positionals.length} argument${positionals.length === 1 ? '' : 's'}\n\n${NEW_HELP}`);
    return 2;
  }
  const [what, name] = positionals as [string, string];
  if (!isScaffold(what)) throw new RuntimeError('ERR_USAGE', `cannot make ${JSON.stringify(what)}; ${didYouMean(what, SCAFFOLDS)}expected one of ${SCAFFOLDS.join(', ')}`);
  const made = scaffold(what, name, { dir: values.dir as string | undefined });
  const [, test] = made.files;
  const lines = [...made.files.map((f) => `wrote ${displayName(f)}`), `test it: node --import tsx ${displayName(test!)}`, NEXT[what](made.names)];
  if (what === 'flow' && !made.schema.installed) {
    lines.push(`note: $schema points at ${displayName(made.schema.file)}, there once tremolo is installed in the project (docs/cli.md: Installing)`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
