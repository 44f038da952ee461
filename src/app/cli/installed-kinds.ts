import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The keyword by which a package says it holds tremolo kinds (connectors, codecs, processors, operators). */
export const KINDS_KEYWORD = 'tremolo-kinds';

const readJson = (file: string): Record<string, unknown> | undefined => {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
};

/** The package.json of an installed package, found in node_modules from `dir` upwards, as Node looks. */
function installedManifest(name: string, dir: string): Record<string, unknown> | undefined {
  for (let at = dir; ; at = path.dirname(at)) {
    const file = path.join(at, 'node_modules', name, 'package.json');
    if (existsSync(file)) return readJson(file);
    if (path.dirname(at) === at) return undefined;
  }
}

/**
 * The packages of kinds the project in `dir` depends on: its package.json's dependencies (all
 * kinds of them) that are installed and carry the `tremolo-kinds` keyword. Only declared
 * dependencies are looked at, never every folder of node_modules: loading a module runs its code,
 * and a package's own say-so is what makes it a plugin.
 */
export function installedKindPackages(dir: string): string[] {
  const manifest = readJson(path.join(dir, 'package.json'));
  if (manifest === undefined) return [];
  const names = new Set<string>();
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
    const deps = manifest[field];
    if (deps !== null && typeof deps === 'object') for (const name of Object.keys(deps)) names.add(name);
  }
  return [...names].sort().filter((name) => {
    const keywords = installedManifest(name, dir)?.keywords;
    return Array.isArray(keywords) && keywords.includes(KINDS_KEYWORD);
  });
}
