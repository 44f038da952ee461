import path from 'node:path';
import { flowJsonSchema } from '../flow/json-schema.js';
import { checkFlow } from '../flow/load.js';
import { formatProblem } from '../flow/problems.js';
import { RuntimeError } from '../runtime/errors.js';
import { builtins, type Registries } from '../runtime/registries.js';
import { SCHEMA_HELP } from './help.js';
import { parse } from './options.js';

/**
 * The registries a command sees with `--use MODULE` (repeatable): the built-ins and the kinds of
 * those modules (npm packages, files, names on the search path). They are loaded as the `use` of a
 * flow in the working directory, by the same loader, so what `schema` and `doc` describe is what a
 * flow there would load. Undefined, with every problem printed, when a module cannot be loaded.
 */
export async function registriesWith(modules: readonly string[], command: string): Promise<Registries | undefined> {
  if (modules.length === 0) return builtins();
  const { model, problems } = await checkFlow(path.join(process.cwd(), '--use'), { text: JSON.stringify({ use: modules }) });
  for (const p of problems) {
    const index = /^use\[(\d+)\]$/.exec(p.path)?.[1];
    const module = index === undefined ? undefined : modules[Number(index)];
    process.stderr.write(`tremolo ${command}: ${module === undefined ? formatProblem(p) : `--use ${module}: ${p.message}`}\n`);
  }
  return model?.registries;
}

export async function schema(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv, { use: { type: 'string', multiple: true } });
  if (values.help) {
    process.stdout.write(SCHEMA_HELP);
    return 0;
  }
  // The schema serves every flow of a project at once, so its modules are named, not read from one flow.
  if (positionals.length > 0) throw new RuntimeError('ERR_USAGE', `unexpected argument ${JSON.stringify(positionals[0])}; name modules with --use MODULE`);
  const regs = await registriesWith((values.use as string[] | undefined) ?? [], 'schema');
  if (regs === undefined) return 1;
  process.stdout.write(`${JSON.stringify(flowJsonSchema(regs), null, 2)}\n`);
  return 0;
}
