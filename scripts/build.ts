/**
 * `npm run build`: dist/ from scratch. tsc checks the code and writes the declarations (the .d.ts
 * files the package's types point at) and compiles tremolo's own plugin modules (packages/,
 * connectors/, pipelines/: tsconfig.modules.json); scripts/bundle.ts writes the JavaScript of the
 * library and the command.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { bundle } from './bundle.js';

const root = path.resolve(import.meta.dirname, '..');
// From scratch: a module left from an earlier build would still load from a deep import, and ship.
rmSync(path.join(root, 'dist'), { recursive: true, force: true });
const typescript = createRequire(import.meta.url).resolve('typescript/package.json');
const tsc = path.join(path.dirname(typescript), (JSON.parse(readFileSync(typescript, 'utf8')) as { bin: { tsc: string } }).bin.tsc);
for (const project of ['tsconfig.build.json', 'tsconfig.modules.json']) {
  execFileSync(process.execPath, [tsc, '-p', project], { cwd: root, stdio: 'inherit' });
}

await bundle();
