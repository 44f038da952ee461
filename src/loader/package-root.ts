import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * tremolo's own root (where package.json, `connectors/`, `pipelines/` and `schema/` ship), found
 * from this file: `src/loader/` when run from the sources, `dist/loader/` when installed. A file
 * of its own so that `tremolo --version` reads it without loading the module loader.
 */
export const packageRoot = ((): string => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
})();
