import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { displayName } from '../../loader/source.js';
import { RuntimeError } from '../../sdk/errors.js';
import type { Registries } from '../builtins/registries.js';
import { namesOf, type Names, type Scaffold } from './names.js';
import type { Template } from './template.js';
import { codecTemplate } from './templates/codec.js';
import { connectorTemplate } from './templates/connector.js';
import { flowTemplate } from './templates/flow.js';
import { operatorTemplate } from './templates/operator.js';
import { processorTemplate } from './templates/processor.js';

const TEMPLATES: Record<Scaffold, Template> = {
  flow: flowTemplate,
  connector: connectorTemplate,
  codec: codecTemplate,
  processor: processorTemplate,
  operator: operatorTemplate,
};

export interface ScaffoldOptions {
  /** The project folder the files go into (default: the working directory). */
  readonly dir?: string;
  /** Whose names are taken (default: the built-ins). */
  readonly registries?: Registries;
}

export interface Scaffolded {
  readonly names: Names;
  /** Absolute paths, in the order written: the module, then its test. */
  readonly files: readonly string[];
  /** Where a flow's `$schema` points, and whether that file is there yet (tremolo installed in the project). */
  readonly schema: { readonly file: string; readonly installed: boolean };
}

const SCHEMA = path.join('schema', 'flow.schema.json');

const nameOf = (manifest: string): unknown => {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name;
  } catch {
    return undefined;
  }
};

/**
 * The flow schema of the tremolo the project uses: its own `node_modules/tremolo` (or the project
 * is tremolo itself), looked up from the project upwards as Node.js looks up packages. When the
 * project has none installed yet, the place an install puts it (`node_modules/tremolo/` beside
 * the project's package.json): never the folder of whichever tremolo ran the command (a checkout,
 * npx's cache), which would tie the flow to one machine.
 */
function schemaFile(projectDir: string): { file: string; installed: boolean } {
  let project: string | undefined;
  for (let dir = projectDir; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      project ??= dir;
      if (nameOf(manifest) === 'tremolo' && existsSync(path.join(dir, SCHEMA))) return { file: path.join(dir, SCHEMA), installed: true };
    }
    const installed = path.join(dir, 'node_modules', 'tremolo', SCHEMA);
    if (existsSync(installed)) return { file: installed, installed: true };
    if (path.dirname(dir) === dir) return { file: path.join(project ?? projectDir, 'node_modules', 'tremolo', SCHEMA), installed: false };
  }
}

/**
 * Writes a scaffold's files into the project, or nothing: an invalid or built-in name, or a file
 * that exists already, is refused (ERR_USAGE) before anything is written.
 */
export function scaffold(what: Scaffold, name: string, options: ScaffoldOptions = {}): Scaffolded {
  const dir = path.resolve(options.dir ?? '.');
  const names = namesOf(what, name, options.registries);
  const flows = path.join(dir, 'flows');
  const found = schemaFile(dir);
  const schema = path.relative(flows, found.file).split(path.sep).join('/');
  const files = TEMPLATES[what]({ names, schema }).map((f) => ({ absolute: path.join(dir, f.path), text: f.text }));
  const existing = files.filter((f) => existsSync(f.absolute)).map((f) => displayName(f.absolute));
  if (existing.length > 0) {
    throw new RuntimeError('ERR_USAGE', `${existing.join(' and ')} already exist${existing.length === 1 ? 's' : ''}; nothing written`);
  }
  for (const f of files) {
    mkdirSync(path.dirname(f.absolute), { recursive: true });
    writeFileSync(f.absolute, f.text, { flag: 'wx' });
  }
  return { names, files: files.map((f) => f.absolute), schema: found };
}
