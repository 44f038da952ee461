import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fillReference, operatorReference, referenceSections } from '../../../src/app/docs/reference.js';
import { ERROR_CODES } from '../../../src/sdk/errors.js';
import { builtins } from '../../../src/app/builtins/registries.js';

const root = path.resolve(import.meta.dirname, '../../..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

test('the README reference matches the schemas (run `npx tremolo doc --update README.md` when it does not)', () => {
  assert.fixture(fillReference(readme, referenceSections()), readme);
});

test('the README shows the two commands', () => {
  assert.match(readme, /npm install && npm start/);
  assert.match(readme, /^npm test /m);
});

test('every error code has its row in the README', () => {
  for (const code of Object.keys(ERROR_CODES)) assert.is(readme.split(`| \`${code}\` |`).length - 1, 1, code);
});

test('every built-in connector kind has its section in the README', () => {
  for (const kind of builtins().connectors.names()) assert.match(readme, `#### \`${kind}\``);
});

test('the operator reference lists output ports, or says the config names them', () => {
  const ref = operatorReference();
  const section = (name: string): string => ref.slice(ref.indexOf(`#### \`${name}\``)).split('\n#### ')[0]!;
  assert.match(section('dedupe'), 'Output ports: `out`, `duplicate`.');
  assert.match(section('filter'), 'Output ports: `out`.');
  assert.match(section('route'), 'Output ports: named by its config.');
});

test.run();
