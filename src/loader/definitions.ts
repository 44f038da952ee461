import { didYouMean } from '../sdk/suggest.js';
import { inFile, substitute, type Scope } from './args.js';
import type { Layer } from './layers.js';
import type { LoadedFile } from './modules.js';
import type { Problems } from './problems.js';

export type Section = 'connectors' | 'pipelines';

const MAX_DEPTH = 16;

/** Every `ns::name` defined in the modules a file uses, for "known:" lists. */
function knownRefs(section: Section, file: LoadedFile): string[] {
  const refs: string[] = [];
  for (const [ns, mod] of file.uses) {
    for (const f of mod.files) for (const name of Object.keys(f.parsed[section] ?? {})) refs.push(`${ns}::${name}`);
  }
  return refs.sort();
}

/** Namespaces the file's `use` names, whether or not they loaded. */
function usedNamespaces(file: LoadedFile): Set<string> {
  return new Set(
    (file.parsed.use ?? []).map((u) => (typeof u === 'string' ? u : u.as ?? u.module).split('/').pop()!.replace(/\.[^.]+$/, '')),
  );
}

function findRef(section: Section, ref: string, file: LoadedFile): Layer | undefined {
  const sep = ref.lastIndexOf('::');
  if (sep < 0) return undefined;
  const mod = file.uses.get(ref.slice(0, sep));
  const name = ref.slice(sep + 2);
  for (const f of mod?.files ?? []) {
    const entry = f.parsed[section]?.[name];
    if (entry !== undefined) return { entry: entry as Record<string, unknown>, file: f, path: [section, name] };
  }
  return undefined;
}

export interface Chain {
  /** The definition first, the instance last. */
  readonly layers: readonly Layer[];
  /** The args scope each layer's strings are substituted in. */
  readonly scopes: readonly Scope[];
}

/**
 * Follows `from` references from an instance to the definition it is made from, resolving the
 * args each definition sees: its own defaults, overridden by what the referring entry passes.
 */
export function resolveChain(
  section: Section,
  instance: Layer,
  flowScope: Scope,
  problems: Problems,
): Chain | undefined {
  const instanceArgs = (instance.entry.args ?? {}) as Record<string, unknown>;
  const layers: Layer[] = [instance];
  const scopes: Scope[] = [
    instance.entry.from === undefined ? { ...flowScope, args: { ...flowScope.args, ...instanceArgs } } : flowScope,
  ];
  for (let depth = 0; ; depth++) {
    const current = layers[0]!;
    const ref = current.entry.from;
    if (typeof ref !== 'string') break;
    if (depth >= MAX_DEPTH) {
      problems.add('ERR_MODULE_INVALID', current.file, [...current.path, 'from'], `definitions nest deeper than ${MAX_DEPTH} levels (a cycle of "from"?)`);
      return undefined;
    }
    const def = findRef(section, ref, current.file);
    const namespace = ref.includes('::') ? ref.slice(0, ref.lastIndexOf('::')) : undefined;
    if (def === undefined && namespace !== undefined && !current.file.uses.has(namespace) && usedNamespaces(current.file).has(namespace)) {
      return undefined; // the module itself failed to load, and that is reported
    }
    if (def === undefined) {
      const known = knownRefs(section, current.file);
      const hint = ref.includes('::') ? '' : ' (write MODULE::NAME and list MODULE in "use")';
      problems.add('ERR_KIND_UNKNOWN', current.file, [...current.path, 'from'], `unknown ${section === 'connectors' ? 'connector' : 'pipeline'} definition ${JSON.stringify(ref)}${hint}; ${didYouMean(ref, known)}known: ${known.join(', ') || '(none: nothing is used)'}`);
      return undefined;
    }
    const currentScope = scopes[0]!;
    const passed = substitute(current.entry.args ?? {}, inFile(currentScope, current.file.dir), problems.substitution('ERR_ARG_INVALID', current.file, [...current.path, 'args'])) as Record<string, unknown>;
    const defaults = substitute(def.entry.args ?? {}, inFile({ ...currentScope, args: {} }, def.file.dir), problems.substitution('ERR_ARG_INVALID', def.file, [...def.path, 'args'])) as Record<string, unknown>;
    for (const name of Object.keys(passed)) {
      if (!Object.hasOwn(defaults, name)) {
        problems.add('ERR_ARG_UNKNOWN', current.file, [...current.path, 'args', name], `unknown arg ${JSON.stringify(name)} for ${ref}; known: ${Object.keys(defaults).join(', ') || '(none)'}`, 'key');
      }
    }
    layers.unshift(def);
    scopes.unshift({ ...currentScope, args: { ...defaults, ...passed } });
  }
  return { layers, scopes };
}
