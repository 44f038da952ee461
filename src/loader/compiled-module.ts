import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from './package-root.js';

/**
 * tremolo's own TypeScript modules (the plugin packages in packages/, the definitions in
 * connectors/ and pipelines/) are compiled by `npm run build` (tsconfig.modules.json) into dist/,
 * beside the runtime: packages/thingsdb/thingsdb.ts becomes dist/packages/thingsdb/thingsdb.js,
 * whose `import ... from 'tremolo'` resolves to the dist/index.js the runtime itself is. Loading
 * that JavaScript instead of the .ts through tsx spares a process tsx's loader thread and a second,
 * namespaced copy of every module of dist/ (1.5 s of CPU for `tremolo graph flows/chat.json5`),
 * and the module's definitions are the runtime's own classes and registries.
 *
 * The compiled form is used only while it is current: every TypeScript source of the module's
 * unit (packages/NAME, or the connectors/ or pipelines/ folder) has its compiled file, made from
 * the text the source holds now. Written after the source was last changed says so at the cost of
 * two stats; where times say nothing (npm extracts a tarball in its own order and time, a copy
 * takes new times, a checkout of another branch and back), the source is compared with the text
 * the build embedded in its source map (`inlineSources`). A module edited since the last build, in
 * a checkout, goes through tsx as a user's own module does, and `--watch` reloads it as theirs.
 */
const OWN_FOLDERS = new Set(['packages', 'connectors', 'pipelines']);
const TS_SOURCE = /\.([mc]?)ts$/;

/**
 * Whether each unit's build was current, as found during one load of a flow (a ModuleLoader's): a
 * unit's folder is walked once however many of its files are imported, and a reload (--watch)
 * starts with a new one, so it sees the sources as they are then.
 */
export type UnitCache = Map<string, boolean>;

/** The compiled JavaScript of `file`, if it is one of tremolo's own modules and its unit's build is current. */
export function compiledModule(file: string, root: string = packageRoot, units: UnitCache = new Map()): string | undefined {
  const relative = path.relative(root, file);
  const parts = relative.split(path.sep);
  if (!TS_SOURCE.test(relative) || relative.endsWith('.d.ts') || !OWN_FOLDERS.has(parts[0]!)) return undefined;
  // packages/NAME/FILE.ts: the unit is the package; connectors/FILE.ts: the folder.
  if (parts[0] === 'packages' && parts.length < 3) return undefined;
  const unit = parts[0] === 'packages' ? path.join(parts[0], parts[1]!) : parts[0]!;
  const key = path.join(root, unit);
  let current = units.get(key);
  if (current === undefined) {
    // A package's tests (packages/NAME/test) are not part of the build (tsconfig.modules.json).
    current = isCurrent(root, unit, parts[0] === 'packages' ? ['test', 'node_modules'] : ['node_modules']);
    units.set(key, current);
  }
  return current ? compiledPath(root, relative) : undefined;
}

const compiledPath = (root: string, relative: string): string => path.join(root, 'dist', relative.replace(TS_SOURCE, '.$1js'));

/** Whether every TypeScript source under `dir` (but in the folders `skip` names) has its compiled file made from it. */
function isCurrent(root: string, dir: string, skip: readonly string[]): boolean {
  let entries;
  try {
    entries = readdirSync(path.join(root, dir), { withFileTypes: true });
  } catch {
    return false;
  }
  for (const entry of entries) {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skip.includes(entry.name) && !isCurrent(root, relative, ['node_modules'])) return false;
    } else if (TS_SOURCE.test(entry.name) && !entry.name.endsWith('.d.ts') && !compiledFrom(path.join(root, relative), compiledPath(root, relative))) {
      return false;
    }
  }
  return true;
}

/** Whether `compiled` was made from `source` as it is now: written after it, or from the same text. */
function compiledFrom(source: string, compiled: string): boolean {
  const made = statSync(compiled, { throwIfNoEntry: false });
  if (made === undefined) return false;
  if (made.mtimeMs >= statSync(source).mtimeMs) return true;
  try {
    const map = JSON.parse(readFileSync(`${compiled}.map`, 'utf8')) as { sourcesContent?: unknown[] };
    return map.sourcesContent?.length === 1 && map.sourcesContent[0] === readFileSync(source, 'utf8');
  } catch {
    return false;
  }
}
