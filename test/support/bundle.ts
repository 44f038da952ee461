/**
 * The test files as plain JavaScript, so that their processes run without a loader.
 *
 * Run through `--import tsx`, a test process spends about a second of CPU on the loader before
 * its first test: on Node 20 module hooks run on a thread of their own, and every one of the
 * few hundred modules a test imports crosses to it and back to be resolved and loaded (measured:
 * importing src/index.ts takes 2.2 s of CPU through tsx, 1.0 s built; an empty uvu file 0.6 s
 * against 0.1 s). Over 200 files that was a third of the suite's CPU time.
 *
 * So the runner bundles every test file it is about to run in one esbuild build (code shared
 * between them goes into chunks), the packages most files use bundled in too (see BUNDLED), and
 * runs the bundles with plain Node. What a module sees stays what it saw under tsx:
 * `import.meta.url`, `.dirname` and `.filename` are its own source file's, so fixtures, flows,
 * `repoRoot` and the `.ts` files a flow `use`s are found where they are, and a process a test
 * spawns runs the sources as before.
 * `import.meta.resolve` resolves from the bundle folder, whose node_modules and package.json are
 * the checkout's (and `tremolo` names the package under test, as it does in the checkout).
 */
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { bundleOnly, REQUIRE_BANNER } from '../../scripts/bundle.js';

const META = ['url', 'dirname', 'filename'] as const;
const local = (name: string): string => `__tremolo_import_meta_${name}`;

// Each module that mentions import.meta gets its own three constants, declared on its first line
// (so source maps stay line-exact), and `define` points import.meta.X at them: esbuild binds a
// defined identifier in the scope of the module it stands in and renames the constants apart.
const ownImportMeta = (repo: string): Plugin => ({
  name: 'own-import-meta',
  setup(b) {
    b.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (args.path.includes(`${path.sep}node_modules${path.sep}`) || !args.path.startsWith(repo) || !text.includes('import.meta')) {
        return { contents: text, loader: 'ts' };
      }
      const values = { url: pathToFileURL(args.path).href, dirname: path.dirname(args.path), filename: args.path };
      const decl = `const ${META.map((m) => `${local(m)} = ${JSON.stringify(values[m])}`).join(', ')};`;
      // After a shebang, which must stay first.
      const contents = text.startsWith('#!') ? text.replace(/\n/, `\n${decl}`) : decl + text;
      return { contents, loader: 'ts' };
    });
  },
});

// The packages bundled in with the tests (and what they import): each is many small modules that
// every test process would otherwise resolve, read and compile one by one (rxjs alone is a few
// hundred files). Bundled, a test process of a few unit tests took 0.78 s of CPU instead of 0.95 s.
// The rest stay outside: they find files beside themselves (typescript, esbuild, playwright-core,
// tsx), load native add-ons (msgpackr), or are used by a file or two. A copy bundled here is not
// the one the built package under test (dist/) imports; nothing compares their classes.
const BUNDLED = new Set(['uvu', 'zod', 'ws', 'rxjs', 'json5', 'yaml', 'jose', 'nats', 'fast-check', 'bcryptjs']);

export interface Bundles {
  /** The folder holding them. */
  readonly dir: string;
  /** The bundle of a source file given to bundleTests. */
  of(file: string): string;
}

/**
 * Bundles `entries` (absolute paths of .ts files under `repo`) into `dir`, which gets the
 * checkout's package.json and node_modules, and `dist` pointing at the package under test.
 */
export async function bundleTests(entries: readonly string[], options: { repo: string; dir: string; dist: string }): Promise<Bundles> {
  const { repo, dir } = options;
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), readFileSync(path.join(repo, 'package.json')));
  symlinkSync(path.join(repo, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  if (existsSync(options.dist)) symlinkSync(options.dist, path.join(dir, 'dist'), 'dir');
  await build({
    entryPoints: [...entries],
    outbase: repo,
    outdir: dir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    // The maps point at the sources on disk: copying them in only makes every map bigger to parse.
    sourcesContent: false,
    banner: { js: REQUIRE_BANNER },
    chunkNames: 'chunks/[name]-[hash]',
    define: Object.fromEntries(META.map((m) => [`import.meta.${m}`, local(m)])),
    plugins: [ownImportMeta(repo), bundleOnly(BUNDLED)],
    logLevel: 'silent',
  });
  return { dir, of: (file) => path.join(dir, path.relative(repo, file).replace(/\.[cm]?ts$/, '.mjs')) };
}
