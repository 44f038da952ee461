/**
 * The library and the command as a few ES modules instead of hundreds: the JavaScript half of
 * `npm run build` (scripts/build.ts), which the benchmarks also call on a private copy.
 *
 * Node.js 20 resolves, reads and compiles every module on its own: `tremolo validate` loaded 648
 * files (278 of tremolo's, 224 of rxjs, 99 of zod) and spent most of its 0.9 s of CPU doing so.
 * Bundled, the same command takes 0.54 s (0.97 s before; `npm run bench -- startup` has the
 * start-up figures).
 *
 * The three entry points (the library, tremolo/testing, the command) share their code through
 * chunks, so a module a user's connector imports from 'tremolo' is the very one the command runs
 * (one registry, one RuntimeError). Each command the CLI loads on demand (`import('./run.js')`)
 * stays a file of its own: `--version` and `--help` load neither the runtime nor any library.
 *
 * Bundled in: the packages of many small modules that every start would load (rxjs, zod, ws, json5).
 * Left outside: what is loaded lazily or by path (tsx for TypeScript modules, nats, yaml, jose,
 * bcryptjs in a worker), and msgpackr, whose extensions a plugin registers on the copy it shares
 * with the codecs. Their class identities do not matter across copies: rxjs interoperates by
 * shape, zod keeps its registry on globalThis, and nothing in tremolo tests `instanceof` on them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const BUNDLED = new Set(['rxjs', 'zod', 'ws', 'json5']);
const packageOf = (specifier: string): string => specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/');

/** An esbuild plugin that bundles the packages named (and what they import) and leaves every other package outside. */
export function bundleOnly(names: ReadonlySet<string>): Plugin {
  return {
    name: 'bundle-only',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        const fromPackage = args.importer.includes(`${path.sep}node_modules${path.sep}`);
        return fromPackage || names.has(packageOf(args.path)) ? undefined : { path: args.path, external: true };
      });
    },
  };
}

// CommonJS bundled into an ES module (ws, json5) asks for node's own modules through `require`,
// which an ES module lacks: esbuild's shim uses one if the module's scope has it.
export const REQUIRE_BANNER = "import { createRequire as __tremoloCreateRequire } from 'node:module'; const require = __tremoloCreateRequire(import.meta.url);";

const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
for (const name of BUNDLED) if (pkg.dependencies[name] === undefined) throw new Error(`scripts/bundle.ts: "${name}" is bundled but not a dependency in package.json`);

/** Writes the bundled entry points and their chunks into `outdir` (dist/ unless told); returns the files written. */
export async function bundle(outdir = path.join(root, 'dist')): Promise<string[]> {
  const { metafile } = await build({
    absWorkingDir: root,
    entryPoints: ['src/index.ts', 'src/app/testing/index.ts', 'src/app/cli/bin.ts'],
    outbase: 'src',
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: 'chunks/[name]-[hash]',
    sourcemap: 'linked',
    // The maps point at src/, which the package ships: no need to copy it into them.
    sourcesContent: false,
    // Stack traces and `err.name` keep the classes' and functions' own names.
    keepNames: true,
    banner: { js: REQUIRE_BANNER },
    plugins: [bundleOnly(BUNDLED)],
    metafile: true,
    logLevel: 'warning',
  });
  return Object.keys(metafile.outputs).map((file) => path.resolve(root, file));
}
