import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseArgOption, substitute, type Scope } from '../../../src/loader/args.js';

const scope: Scope = {
  args: { url: 'ws://x:1', port: 4242, nested: { a: [1, 2] } },
  resolvers: { env: (name) => ({ HOME: '/home/t' } as Record<string, string>)[name] },
};
const run = (value: unknown) => {
  const errors: string[] = [];
  const out = substitute(value, scope, (path, message) => errors.push(`${path.join('.')}: ${message}`));
  return { out, errors };
};

test('a string that is exactly one placeholder takes the value with its type', () => {
  assert.equal(run({ p: '${args.port}', n: '${args.nested}' }).out, { p: 4242, n: { a: [1, 2] } });
});

test('placeholders inside longer strings are interpolated as text', () => {
  assert.equal(run('${args.url}/path?p=${args.port}&h=${env:HOME}&j=${args.nested}').out, 'ws://x:1/path?p=4242&h=/home/t&j={"a":[1,2]}');
});

test('dotted paths reach into record args', () => {
  assert.equal(run('${args.nested.a}').out, [1, 2]);
});

test('an unset variable takes its :- default, else it is an error that shows how to give one', () => {
  assert.equal(run('${env:NOPE:-fallback}').out, 'fallback');
  assert.equal(run({ x: ['${env:NOPE}'] }).errors, ['x.0: env "NOPE" is not set (write ${env:NOPE:-default} for a default)']);
});

test('an unknown arg or scheme is an error naming what is known', () => {
  assert.equal(run('${args.prt}').errors, [': unknown arg "prt" in "${args.prt}"; did you mean "port"? known: url, port, nested']);
  assert.equal(run('${vault:x}').errors, [': unknown placeholder "${vault:x}"; expected one of ${args.NAME}, ${env:NAME}']);
});

test('$${ writes a literal ${', () => {
  assert.equal(run('cost: $${args.port}').out, 'cost: ${args.port}');
});

test('the input is never modified', () => {
  const input = { a: '${args.port}' };
  run(input);
  assert.equal(input, { a: '${args.port}' });
});

test('--arg values are JSON5 where they parse, else text', () => {
  assert.equal(parseArgOption('n=42'), ['n', 42]);
  assert.equal(parseArgOption('b=true'), ['b', true]);
  assert.equal(parseArgOption("o={a: 'x'}"), ['o', { a: 'x' }]);
  assert.equal(parseArgOption('url=ws://127.0.0.1:0'), ['url', 'ws://127.0.0.1:0']);
  assert.equal(parseArgOption('empty='), ['empty', '']);
  assert.throws(() => parseArgOption('novalue'), /--arg expects name=value, received "novalue"/);
});

test.run();
