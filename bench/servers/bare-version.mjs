// The floor for `tremolo --version` and `--help`: Node.js starting, reading a package.json and
// printing a line. Plain JavaScript, so nothing is compiled on the way.
import { readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
process.stdout.write(`bare ${version}\n`);
