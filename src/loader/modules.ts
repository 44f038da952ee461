import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { reason } from '../sdk/errors.js';
import { compiledModule, type UnitCache } from './compiled-module.js';
import { packageRoot } from './package-root.js';
import { registerDefinition, type Registries } from '../sdk/registries.js';
import type { Problems } from './problems.js';
import { parseText, readFlowFile, type ParsedFile } from './source.js';
import { isTroyFile, parseTroyText, readTroyFile, type TroyOptions } from './load-troy.js';

/**
 * `use` entries: JSON5 modules of connector and pipeline definitions, and code modules (.ts, .js or
 * an npm package) whose define-helper exports become kinds of this flow. A bare name is looked up
 * next to the file that uses it, then along TREMOLO_PATH, then in tremolo's own folders; in each
 * place `NAME.json5`, `connectors/NAME.json5` and `pipelines/NAME.json5` are merged under `NAME`.
 */
export interface LoadedModule {
  readonly namespace: string;
  readonly files: readonly LoadedFile[];
}

export interface LoadedFile extends ParsedFile {
  /** The modules this file uses, by namespace. */
  readonly uses: ReadonlyMap<string, LoadedModule>;
}

const CODE_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];


export function searchPath(fromDir: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const extra = (env.TREMOLO_PATH ?? '').split(':').filter((p) => p !== '');
  return [...new Set([fromDir, ...extra.map((p) => path.resolve(p)), packageRoot])];
}

const isPathLike = (name: string): boolean =>
  name.startsWith('./') || name.startsWith('../') || path.isAbsolute(name) || /\.(json5|json|[mc]?[jt]s)$/.test(name);

/**
 * tremolo's own plugin packages (packages/NAME/ of its root) build against the public API like
 * any third-party package; a flow names their modules (`use: ['NAME']`) as it names the
 * definitions in connectors/ and pipelines/, from a clone as from an installed tarball.
 */
const pluginDirs = (root: string): string[] => {
  if (root !== packageRoot) return [];
  try {
    return readdirSync(path.join(root, 'packages'), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => path.join('packages', d.name))
      .sort();
  } catch {
    return [];
  }
};

/** The files a bare module name stands for, from the first place on the search path that has any. */
function findByName(name: string, roots: readonly string[], user: string, plugins: (root: string) => readonly string[]): string[] {
  for (const root of roots) {
    const found = [
      ...['.json5', ...CODE_EXTENSIONS].map((ext) => path.join(root, name + ext)),
      ...['connectors', 'pipelines', ...plugins(root)].flatMap((d) => ['.json5', ...CODE_EXTENSIONS].map((ext) => path.join(root, d, name + ext))),
      // A flow named like the module it uses (flows/chat.json5 using "chat") is not that module.
    ].filter((f) => f !== user && existsSync(f));
    if (found.length > 0) return found;
  }
  return [];
}

/** An npm package's entry point, looked up from `fromDir` upwards (ESM packages included). */
function findPackage(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const pkgDir = path.join(dir, 'node_modules', name);
    const manifest = path.join(pkgDir, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: unknown; main?: string; module?: string };
      let entry: unknown = pkg.exports;
      if (entry !== null && typeof entry === 'object' && '.' in (entry as object)) entry = (entry as Record<string, unknown>)['.'];
      while (entry !== null && typeof entry === 'object') {
        const cond = entry as Record<string, unknown>;
        entry = cond.import ?? cond.node ?? cond.default ?? cond.require;
      }
      return path.join(pkgDir, typeof entry === 'string' ? entry : pkg.module ?? pkg.main ?? 'index.js');
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

let tsxImport: ((specifier: string, parent: string) => Promise<unknown>) | undefined;

async function throughTsx(file: string): Promise<Record<string, unknown>> {
  tsxImport ??= (await import('tsx/esm/api')).tsImport as unknown as typeof tsxImport;
  return (await tsxImport!(pathToFileURL(file).href, import.meta.url)) as Record<string, unknown>;
}

/** The "type" of the package a file belongs to (its nearest package.json): "module" or "commonjs". */
function packageType(file: string): string {
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        return (JSON.parse(readFileSync(manifest, 'utf8')) as { type?: unknown }).type === 'module' ? 'module' : 'commonjs';
      } catch {
        return 'commonjs';
      }
    }
    if (path.dirname(dir) === dir) return 'commonjs';
  }
}

/**
 * Imports a code module, whatever the "type" of the package it sits in (a project made by
 * `npm init` is CommonJS). tremolo's own TypeScript modules load as the JavaScript the build made
 * of them, while it is current (compiled-module.ts). Other TypeScript goes through tsx, loaded
 * only when a flow needs it, which compiles it as that type says. So does a .js file outside an
 * ESM package: Node.js refuses import/export there, which people write in connectors all the same.
 */
export async function importCode(file: string, units?: UnitCache): Promise<Record<string, unknown>> {
  const compiled = compiledModule(file, packageRoot, units);
  if (compiled !== undefined) return (await import(pathToFileURL(compiled).href)) as Record<string, unknown>;
  if (/\.[mc]?ts$/.test(file) || (file.endsWith('.js') && packageType(file) !== 'module')) return throughTsx(file);
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype;

/**
 * Registers every definition a module exports, under any names, in arrays too. A CommonJS module
 * (TypeScript compiled for a "type": "commonjs" package among them) comes back as
 * `{ default: module.exports }`: its exports are looked for there as well, and an
 * `export default` compiled to CommonJS is `module.exports.default`, one more level down.
 */
function collectDefinitions(exports: Record<string, unknown>, regs: Registries): number {
  let count = 0;
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number): void => {
    if (seen.has(value)) return;
    seen.add(value);
    if (registerDefinition(regs, value)) count++;
    else if (Array.isArray(value)) value.forEach((v) => visit(v, depth));
    else if (depth > 0 && isPlainObject(value)) for (const v of Object.values(value)) visit(v, depth - 1);
  };
  for (const [name, value] of Object.entries(exports)) visit(value, name === 'default' ? 2 : 0);
  return count;
}

export class ModuleLoader {
  readonly #cache = new Map<string, Promise<LoadedFile | undefined>>();
  readonly #codeLoaded = new Set<string>();
  // Read once per load (a --watch reload makes a new loader, and sees what changed): the plugin
  // packages' folders, per root of the search path, and whether each unit's build is current.
  readonly #pluginDirs = new Map<string, string[]>();
  readonly #units: UnitCache = new Map();

  constructor(
    private readonly regs: Registries,
    private readonly problems: Problems,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** Every file read so far: the flow, its JSON5 and .troy modules, its code modules (what --watch watches). */
  files(): string[] {
    return [...new Set([...this.#cache.keys(), ...this.#codeLoaded])];
  }

  /** Reads a flow or module file and, recursively, the modules it uses. */
  load(absolute: string, chain: readonly string[] = []): Promise<LoadedFile | undefined> {
    let pending = this.#cache.get(absolute);
    if (pending === undefined) {
      pending = this.#load(absolute, chain);
      this.#cache.set(absolute, pending);
    }
    return pending;
  }

  /** A flow given as text (an in-memory flow); `absolute` places it for relative `use` and messages. */
  loadText(text: string, absolute: string): Promise<LoadedFile | undefined> {
    // A .troy flow is compiled to the object a JSON5 flow parses to; from there both load alike.
    const parsed = isTroyFile(absolute) ? parseTroyText(text, absolute, this.problems, this.#troy()) : Promise.resolve(parseText(text, absolute, this.problems));
    const pending = parsed.then((p) => this.#withUses(p, []));
    this.#cache.set(absolute, pending);
    return pending;
  }

  async #load(absolute: string, chain: readonly string[]): Promise<LoadedFile | undefined> {
    const parsed = isTroyFile(absolute) ? await readTroyFile(absolute, this.problems, this.#troy()) : await readFlowFile(absolute, this.problems);
    return this.#withUses(parsed, chain);
  }

  /** Tremor module paths (`use integration;`) resolve along TREMOR_PATH, then along the same search path as `use`. */
  #troy(): TroyOptions {
    return { env: this.env, registries: this.regs, searchPath: (dir) => searchPath(dir, this.env) };
  }

  async #withUses(parsed: ParsedFile | undefined, chain: readonly string[]): Promise<LoadedFile | undefined> {
    if (parsed === undefined) return undefined;
    const absolute = parsed.absolute;
    const uses = new Map<string, LoadedModule>();
    for (const [index, entry] of (parsed.parsed.use ?? []).entries()) {
      const name = typeof entry === 'string' ? entry : entry.module;
      const where = ['use', index];
      const files = await this.#resolve(name, parsed.dir, absolute);
      if (files.length === 0) {
        const tried = isPathLike(name) ? path.resolve(parsed.dir, name) : searchPath(parsed.dir, this.env).join(', ');
        this.problems.add('ERR_MODULE_NOT_FOUND', parsed, where, `module ${JSON.stringify(name)} not found (looked in ${tried})`);
        continue;
      }
      const namespace = typeof entry === 'string' ? path.basename(name).replace(/\.[^.]+$/, '') : entry.as ?? path.basename(name).replace(/\.[^.]+$/, '');
      const loaded: LoadedFile[] = [];
      for (const file of files) {
        if (CODE_EXTENSIONS.some((ext) => file.endsWith(ext))) {
          await this.#loadCode(file, parsed, where);
          continue;
        }
        if (chain.includes(file) || file === absolute) {
          this.problems.add('ERR_MODULE_INVALID', parsed, where, `module ${JSON.stringify(name)} uses itself (${[...chain, absolute, file].map((f) => path.basename(f)).join(' → ')})`);
          continue;
        }
        const mod = await this.load(file, [...chain, absolute]);
        if (mod === undefined) continue;
        if (mod.parsed.links !== undefined) {
          this.problems.add('ERR_MODULE_INVALID', mod, ['links'], 'a module holds definitions only; links belong in a flow');
        }
        loaded.push(mod);
      }
      const previous = uses.get(namespace);
      uses.set(namespace, { namespace, files: [...(previous?.files ?? []), ...loaded] });
    }
    return { ...parsed, uses };
  }

  async #resolve(name: string, dir: string, user: string): Promise<string[]> {
    if (isPathLike(name)) {
      const file = path.resolve(dir, name);
      return existsSync(file) ? [file] : [];
    }
    const byName = findByName(name, searchPath(dir, this.env), user, (root) => this.#plugins(root));
    if (byName.length > 0) return byName;
    const pkg = findPackage(name, dir);
    return pkg !== undefined && existsSync(pkg) ? [pkg] : [];
  }

  #plugins(root: string): string[] {
    let dirs = this.#pluginDirs.get(root);
    if (dirs === undefined) this.#pluginDirs.set(root, (dirs = pluginDirs(root)));
    return dirs;
  }

  async #loadCode(file: string, user: ParsedFile, where: (string | number)[]): Promise<void> {
    if (this.#codeLoaded.has(file)) return;
    this.#codeLoaded.add(file);
    try {
      const exports = await importCode(file, this.#units);
      if (collectDefinitions(exports, this.regs) === 0) {
        this.problems.add('ERR_MODULE_INVALID', user, where, `module ${JSON.stringify(path.basename(file))} exports no definitions made with defineConnector, defineCodec, defineProcessor, defineOperator or defineServerExtension`);
      }
    } catch (err) {
      this.problems.add('ERR_MODULE_INVALID', user, where, `module ${JSON.stringify(path.basename(file))} failed to load: ${reason(err)}`);
    }
  }
}
