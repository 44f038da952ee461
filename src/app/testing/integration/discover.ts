import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { isSideFile } from './files.js';

/** Folders that hold a test's assets, never tests of their own. */
const ASSET_DIRS = new Set(['before', 'after', 'lib', 'node_modules']);

/** The flow files of a folder: JSON5 flows (not side files), and Tremor's .troy files. */
export function flowFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => {
      const file = path.join(dir, name);
      if (!statSync(file).isFile()) return false;
      if (name.endsWith('.troy')) return true;
      return name.endsWith('.json5') && !isSideFile(file) && !name.startsWith('expected');
    })
    .sort()
    .map((name) => path.join(dir, name));
}

/** Every test folder under `root` (a folder with flow files), in path order; `root` itself may be one. */
export function discoverTests(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    if (flowFiles(dir).length > 0) {
      found.push(dir);
      return;
    }
    for (const name of readdirSync(dir).sort()) {
      const sub = path.join(dir, name);
      if (!ASSET_DIRS.has(name) && statSync(sub).isDirectory()) walk(sub);
    }
  };
  walk(root);
  return found;
}
