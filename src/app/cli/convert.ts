import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { checkFlow } from '../load.js';
import { searchPath } from '../../loader/modules.js';
import { formatProblem } from '../../loader/problems.js';
import { compileTroy } from '../../loader/load-troy.js';
import { printJson5 } from '../../loader/troy/print-json5.js';
import { RuntimeError } from '../../sdk/errors.js';
import { builtins } from '../builtins/registries.js';
import { COMMANDS } from './commands.js';
import { CONVERT_HELP } from './help.js';
import { parse, portResolver } from './options.js';

/**
 * `tremolo convert FILE.troy`: the JSON5 flow a .troy file loads as, on stdout, for moving a flow
 * over for good. Problems of the .troy text stop it (exit 1); problems the flow loader then finds
 * in the converted flow are reported after it, placed in the .troy file, with exit status 1.
 */
export async function convert(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv, COMMANDS.convert!.options);
  if (values.help) {
    process.stdout.write(CONVERT_HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    process.stderr.write(`tremolo convert: expected one .troy file, received ${positionals.length}\n\n${CONVERT_HELP}`);
    return 2;
  }
  const file = positionals[0]!;
  if (!file.endsWith('.troy')) throw new RuntimeError('ERR_USAGE', `convert reads a .troy file, received ${JSON.stringify(file)}`);
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (err) {
    throw new RuntimeError('ERR_FLOW_READ', `${file}: cannot read: ${(err as Error).message}`);
  }
  const compiled = await compileTroy(text, absolute, { registries: builtins(), searchPath: (dir) => searchPath(dir) });
  if (compiled.flow === undefined) {
    for (const p of compiled.problems) process.stderr.write(`${formatProblem(p)}\n`);
    return 1;
  }
  process.stdout.write(`// Converted from ${path.basename(file)} by \`tremolo convert\`.\n${printJson5(compiled.flow)}\n`);
  const { problems } = await checkFlow(file, { resolvers: { port: portResolver() } });
  for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
  return problems.length > 0 ? 1 : 0;
}
