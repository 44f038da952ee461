import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { packageRoot } from '../../../loader/package-root.js';

/**
 * The page's files (HTML, script, stylesheets) live in src/app/ops/graph/assets/, which the package
 * ships: found from the package's root, whether this runs from the sources or bundled in dist/
 * (where this module is part of a chunk): no build step for them.
 */
const DIR = pathToFileURL(path.join(packageRoot, 'src/app/ops/graph/assets/'));

export const ASSETS = {
  'index.html': 'text/html; charset=utf-8',
  'graph.js': 'text/javascript; charset=utf-8',
  'graph.css': 'text/css; charset=utf-8',
  'page.css': 'text/css; charset=utf-8',
} as const;

export type AssetName = keyof typeof ASSETS;

let found = false;

export function assetsDir(): URL {
  found ||= existsSync(fileURLToPath(new URL('graph.css', DIR)));
  if (!found) {
    // Not a user's mistake but a broken installation: a plain Error, with its stack.
    throw new Error(`the flow graph's files are missing (a broken installation): looked in ${fileURLToPath(DIR)}`);
  }
  return DIR;
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
