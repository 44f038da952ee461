import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The built tremolo that tests spawn, as users run it: bin/tremolo.js loading dist/. It starts in
 * a fraction of the time the sources take through tsx (nothing to compile: on a loaded 2-core
 * machine that is seconds per process, and the suite starts hundreds).
 *
 * `npm test` (test/run.ts) copies the package as just built into a folder of its own and names it
 * in TREMOLO_TEST_PACKAGE, so that a rebuild of dist/ while the suite runs (a second `npm test`
 * beside this one, an editor's watch) cannot change or half-delete the code under a running test.
 * A test file run on its own uses the checkout's dist/ if it was built after the last change to
 * src/, else there is no built tremolo and the sources run through tsx: what runs is always the
 * code as it stands.
 */
export const repoRoot = path.resolve(import.meta.dirname, '../..');

const newest = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
    const full = path.join(dir, e.name);
    return Math.max(m, e.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }, 0);

/** Whether `root`'s dist/ was built after the last change to its src/. */
export function builtIsCurrent(root = repoRoot): boolean {
  try {
    return statSync(path.join(root, 'dist/app/cli/bin.js')).mtimeMs >= newest(path.join(root, 'src'));
  } catch {
    return false;
  }
}

/**
 * A copy of the package as npm installs it (package.json and its `files`), with the checkout's
 * node_modules linked in, in a new temporary folder; `remove` deletes it. Copying a few MB takes
 * well under a second.
 */
export function snapshotPackage(root = repoRoot): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tremolo-under-test-'));
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { files?: string[] };
  for (const entry of ['package.json', 'README.md', 'LICENSE', ...(pkg.files ?? [])]) {
    try {
      cpSync(path.join(root, entry), path.join(dir, entry), { recursive: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const fromRunner = process.env.TREMOLO_TEST_PACKAGE;

/** The root of the built package under test (see above), or undefined: run the sources. */
export const builtRoot: string | undefined = fromRunner !== undefined && fromRunner !== '' ? fromRunner : builtIsCurrent() ? repoRoot : undefined;

/** bin/tremolo.js of the built package under test, or undefined. */
export const builtBin: string | undefined = builtRoot === undefined ? undefined : path.join(builtRoot, 'bin/tremolo.js');

/** The built package's root, for tests that install or link it as users would; fails without a build. */
export function requireBuilt(): string {
  if (builtRoot === undefined) throw new Error('dist/ is missing or older than src/: run `npm run build` first (npm test does)');
  return builtRoot;
}

/** tremolo's own folder as the spawned command sees it (its packageRoot: in search paths, messages). */
export const cliRoot: string = builtRoot ?? repoRoot;
