import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The page's files (HTML, script, stylesheets) live in src/app/ops/graph/assets/, which the package
 * ships. Run from the sources they are next to this module; run from dist/ (the installed command),
 * the compiler has not copied them, and they are found in src/ beside it: no build step for them.
 */
const PLACES = [new URL('./assets/', import.meta.url), new URL('../../../../src/app/ops/graph/assets/', import.meta.url)];

export const ASSETS = {
  'index.html': 'text/html; charset=utf-8',
  'graph.js': 'text/javascript; charset=utf-8',
  'graph.css': 'text/css; charset=utf-8',
  'page.css': 'text/css; charset=utf-8',
} as const;

export type AssetName = keyof typeof ASSETS;

let dir: URL | undefined;

export function assetsDir(): URL {
  dir ??= PLACES.find((p) => existsSync(fileURLToPath(new URL('graph.css', p))));
  if (dir === undefined) {
    // Not a user's mistake but a broken installation: a plain Error, with its stack.
    throw new Error(`the flow graph's files are missing (a broken installation): looked in ${PLACES.map((p) => fileURLToPath(p)).join(' and ')}`);
  }
  return dir;
}

const cache = new Map<AssetName, string>();

/** An asset's text, read once (they are a few KB). */
export function readAsset(name: AssetName): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(name, assetsDir()), 'utf8');
    cache.set(name, text);
  }
  return text;
}
