import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { links, markdownFiles, namedFiles, root } from './markdown.js';

const readme = readFileSync(path.join(root, 'README.md'), 'utf8');

test('the README stays an introduction: at most 300 lines', () => {
  const lines = readme.split('\n').length;
  assert.ok(lines <= 300, `README.md has ${lines} lines; move detail into a guide under docs/`);
});

test('the README shows the two commands', () => {
  assert.match(readme, /npm install && npm start/);
  assert.match(readme, /^npm test /m);
});

test('the README maps every guide under docs/', () => {
  const guides = markdownFiles().filter((f) => /^docs\/[^/]+\.md$/.test(f));
  assert.ok(guides.length >= 10, guides.join(', '));
  for (const guide of guides) assert.match(readme, `](${guide})`, `README.md does not link ${guide}`);
  assert.match(readme, '](docs/reference/README.md)');
  assert.match(readme, '](CONTRIBUTING.md)');
});

test('every relative link in README, CONTRIBUTING and docs/ names a file that exists', () => {
  const broken: string[] = [];
  for (const file of markdownFiles()) {
    for (const { line, target } of links(file)) {
      const resolved = path.resolve(root, path.dirname(file), target.split('#')[0]!);
      if (!existsSync(resolved)) broken.push(`${file}:${line}: ${target}`);
    }
  }
  assert.equal(broken, []);
});

test('every source or test file the docs name exists (a file moved is a doc to update)', () => {
  const missing: string[] = [];
  for (const file of markdownFiles()) {
    for (const { line, target } of namedFiles(file)) if (!existsSync(path.join(root, target))) missing.push(`${file}:${line}: ${target}`);
  }
  assert.equal(missing, []);
});

test.run();
