import path from 'node:path';
import { flowJsonSchema } from '../docs/json-schema.js';
import { checkFlow } from '../load.js';
import { formatProblem } from '../../loader/problems.js';
import { RuntimeError } from '../../sdk/errors.js';
import { builtins, type Registries } from '../builtins/registries.js';
import { COMMANDS } from './commands.js';
import { SCHEMA_HELP } from './help.js';
import { installedKindPackages } from './installed-kinds.js';
import { parse } from './options.js';

/**
 * The registries a command sees: the built-ins, the kinds of the packages the project in the
 * working directory depends on that carry the `tremolo-kinds` keyword, and those of `--use MODULE`
 * (repeatable: npm packages, files, names on the search path). They are loaded as the `use` of a
 * flow in the working directory, by the same loader, so what `schema` and `doc` describe is what a
 * flow there would load. Undefined, with every problem printed, when a module cannot be loaded.
 */
export async function registriesWith(named: readonly string[], command: string): Promise<Registries | undefined> {
  // The project's installed packages of kinds come first, so that editors and the reference see
  // them without --use; a package named both ways is loaded once.
  const modules = [...new Set([...installedKindPackages(process.cwd()), ...named])];
  if (modules.length === 0) return builtins();
  const { model, problems } = await checkFlow(path.join(process.cwd(), '--use'), { text: JSON.stringify({ use: modules }) });
  for (const p of problems) {
    const index = /^use\[(\d+)\]$/.exec(p.path)?.[1];
    const module = index === undefined ? undefined : modules[Number(index)];
    const how = module === undefined ? '' : named.includes(module) ? `--use ${module}: ` : `installed package ${module}: `;
    process.stderr.write(`tremolo ${command}: ${module === undefined ? formatProblem(p) : `${how}${p.message}`}\n`);
  }
  return model?.registries;
}

export async function schema(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv, COMMANDS.schema!.options);
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
