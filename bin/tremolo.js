#!/usr/bin/env node
// The command runs the compiled library; `npm install` builds it (the `prepare` script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/app/cli/bin.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('tremolo: dist/ is missing; run `npm install` (or `npm run build`) in the tremolo folder first\n');
  process.exitCode = 1;
} else {
  await import(entry.href);
}
