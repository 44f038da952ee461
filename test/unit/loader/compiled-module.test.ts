/**
 * tremolo's own TypeScript modules (packages/, connectors/, pipelines/) load as the JavaScript
 * `npm run build` made of them, beside the runtime in dist/, while that is current; a module
 * edited since the build, and any module of the user's, goes through tsx.
 */
import { mkdirSync, realpathSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { compiledModule } from '../../../src/loader/compiled-module.js';
import { requireBuilt } from '../../support/built.js';
import { tmpDir } from '../../support/tmp.js';

const tmp = tmpDir('tremolo-compiled-');
test.after(() => tmp.cleanup());

const importFrom = async (root: string, file: string): Promise<Record<string, unknown>> => (await import(pathToFileURL(path.join(root, file)).href)) as Record<string, unknown>;

test('a flow gets the kinds of tremolo’s own modules from their compiled JavaScript, which imports the runtime’s own tremolo', async () => {
  // The built package (as npm test copies it, with its files' times): its library is the runtime.
  const root = requireBuilt();
  const tremolo = (await importFrom(root, 'dist/index.js')) as unknown as typeof import('../../../src/index.js');
  const { model, problems } = await tremolo.checkFlow(path.join(tmp.dir, 'uses.json5'), { text: "{ use: ['chat', 'sequence', 'thingsdb'] }", env: { TREMOLO_PATH: '' } });
  assert.equal(problems, []);
  // The very objects the compiled files export: tsx would have made new ones, in a copy of its own.
  assert.is(model!.registries.operators.get('chat'), (await importFrom(root, 'dist/pipelines/chat.js')).default);
  assert.is(model!.registries.connectors.get('sequence'), (await importFrom(root, 'dist/connectors/sequence.js')).default);
  assert.is(model!.registries.processors.get('thingsdb'), (await importFrom(root, 'dist/packages/thingsdb/thingsdb.js')).thingsdb);
  // One tremolo in the process: what the compiled modules import is the runtime itself.
  assert.is(createRequire(path.join(root, 'dist/pipelines/chat.js')).resolve('tremolo'), realpathSync(path.join(root, 'dist/index.js')));
});

/**
 * A package root with a module `packages/p` (index.ts importing sub/x.ts, and a test) and two in
 * connectors/, built into dist/ as tsc does: each source map holds the text it was made from.
 */
function fakeRoot(name: string): { root: string; touch(file: string, seconds: number): void; edit(file: string, seconds: number): void } {
  const root = path.join(tmp.dir, name);
  const write = (file: string, text: string): void => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };
  const touch = (file: string, seconds: number): void => utimesSync(path.join(root, file), seconds, seconds);
  for (const source of ['packages/p/index.ts', 'packages/p/sub/x.ts', 'connectors/a.mts', 'connectors/b.ts', 'flows/own.ts']) {
    const text = `export const source = ${JSON.stringify(source)};\n`;
    const compiled = path.join('dist', source.replace(/\.(m?)ts$/, '.$1js'));
    write(source, text);
    write(compiled, text);
    write(`${compiled}.map`, JSON.stringify({ version: 3, file: path.basename(compiled), sources: [source], sourcesContent: [text], mappings: '' }));
    // Sources last changed at 1000 s, built at 2000 s.
    touch(source, 1000);
    touch(compiled, 2000);
  }
  write('packages/p/test/p.test.ts', '');
  return { root, touch, edit: (file, seconds) => (write(file, '// edited\n'), touch(file, seconds)) };
}

test('a module of packages/, connectors/ or pipelines/ built after its sources last changed loads compiled; .mts as .mjs', () => {
  const { root } = fakeRoot('current');
  assert.is(compiledModule(path.join(root, 'packages/p/index.ts'), root), path.join(root, 'dist/packages/p/index.js'));
  assert.is(compiledModule(path.join(root, 'connectors/a.mts'), root), path.join(root, 'dist/connectors/a.mjs'));
});

test('a compiled file with an older time, made from the text its source holds (npm extracts a tarball in its own order), loads compiled', () => {
  const { root, touch } = fakeRoot('extracted');
  touch('packages/p/sub/x.ts', 3000);
  touch('connectors/b.ts', 3000);
  assert.is(compiledModule(path.join(root, 'packages/p/index.ts'), root), path.join(root, 'dist/packages/p/index.js'));
  assert.is(compiledModule(path.join(root, 'connectors/a.mts'), root), path.join(root, 'dist/connectors/a.mjs'));
});

test('a module whose entry or any other source of its unit was edited since the build goes through tsx', () => {
  const { root, edit } = fakeRoot('edited');
  edit('packages/p/sub/x.ts', 3000);
  assert.is(compiledModule(path.join(root, 'packages/p/index.ts'), root), undefined);
  // Another folder is another unit: connectors/ is still current, until one of its files changes.
  assert.is(compiledModule(path.join(root, 'connectors/a.mts'), root), path.join(root, 'dist/connectors/a.mjs'));
  edit('connectors/b.ts', 3000);
  assert.is(compiledModule(path.join(root, 'connectors/a.mts'), root), undefined);
});

test('a module with a source the build did not compile, or without its source map, goes through tsx; a package’s tests do not count', () => {
  const { root, touch } = fakeRoot('missing');
  assert.is(compiledModule(path.join(root, 'packages/p/index.ts'), root), path.join(root, 'dist/packages/p/index.js'), 'packages/p/test/ is not built');
  rmSync(path.join(root, 'dist/packages/p/sub/x.js'));
  assert.is(compiledModule(path.join(root, 'packages/p/index.ts'), root), undefined);
  touch('connectors/b.ts', 3000);
  rmSync(path.join(root, 'dist/connectors/b.js.map'));
  assert.is(compiledModule(path.join(root, 'connectors/a.mts'), root), undefined);
  rmSync(path.join(root, 'dist'), { recursive: true });
  assert.is(compiledModule(path.join(root, 'packages/p/index.ts'), root), undefined);
});

test('within one load a unit is found current once, for all its files; the next load (a --watch reload) sees an edit', () => {
  const { root, edit } = fakeRoot('reloaded');
  const load = new Map<string, boolean>();
  assert.is(compiledModule(path.join(root, 'packages/p/index.ts'), root, load), path.join(root, 'dist/packages/p/index.js'));
  assert.equal([...load], [[path.join(root, 'packages/p'), true]]);
  edit('packages/p/sub/x.ts', 3000);
  // The same load keeps what it found: its unit is not walked again for another of its files.
  assert.is(compiledModule(path.join(root, 'packages/p/sub/x.ts'), root, load), path.join(root, 'dist/packages/p/sub/x.js'));
  const reload = new Map<string, boolean>();
  assert.is(compiledModule(path.join(root, 'packages/p/index.ts'), root, reload), undefined);
  assert.equal([...reload], [[path.join(root, 'packages/p'), false]]);
});

test('TypeScript elsewhere, in tremolo’s folder or the user’s, and JavaScript, load as they are', () => {
  const { root } = fakeRoot('elsewhere');
  assert.is(compiledModule(path.join(root, 'flows/own.ts'), root), undefined);
  assert.is(compiledModule(path.join(tmp.dir, 'project/connectors/mine.ts'), root), undefined);
  assert.is(compiledModule(path.join(root, 'packages/index.ts'), root), undefined);
  assert.is(compiledModule(path.join(root, 'dist/connectors/b.js'), root), undefined);
  assert.is(compiledModule(path.join(root, 'connectors/b.js'), root), undefined);
});

test.run();
