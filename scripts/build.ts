/**
 * `npm run build`: dist/ as the sources stand. tsc checks the code and writes the declarations (the .d.ts
 * files the package's types point at) and compiles tremolo's own plugin modules (packages/,
 * connectors/, pipelines/: tsconfig.modules.json); scripts/bundle.ts writes the JavaScript of the
 * library and the command.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { bundle } from './bundle.js';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
const typescript = createRequire(import.meta.url).resolve('typescript/package.json');
const tsc = path.join(path.dirname(typescript), (JSON.parse(readFileSync(typescript, 'utf8')) as { bin: { tsc: string } }).bin.tsc);

const written = new Set<string>();
for (const project of ['tsconfig.build.json', 'tsconfig.modules.json']) {
  const result = spawnSync(process.execPath, [tsc, '-p', project, '--listEmittedFiles'], { cwd: root, encoding: 'utf8' });
  const lines = `${result.stdout}${result.stderr}`.split('\n');
  for (const line of lines) if (line.startsWith('TSFILE: ')) written.add(path.resolve(line.slice(8)));
  const said = lines.filter((line) => line !== '' && !line.startsWith('TSFILE: ')).join('\n');
  if (said !== '') process.stderr.write(`${said}\n`);
  if (result.status !== 0) process.exit(result.status ?? 1);
}
for (const file of await bundle()) written.add(file);

// What an earlier build left and this one did not write (a deleted module's, an old chunk) would
// still load from a deep import, and ship. dist/ is pruned after writing, not emptied before: a
// second build beside this one (two `npm test` at once) writes the same files and prunes the same.
function prune(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      prune(full);
      try {
        rmdirSync(full);
      } catch {
        // not empty: kept
      }
    } else if (!written.has(full)) rmSync(full, { force: true });
  }
}
prune(dist);
