import { test } from 'uvu';
import * as assert from 'uvu/assert';
import JSON5 from 'json5';
import { parseArgOption, substitute } from '../../../src/loader/args.js';
import { MAX_FLOW_DEPTH } from '../../../src/lang/source/depth.js';
import { checkFlow } from '../../../src/app/load.js';
import { formatProblem } from '../../../src/loader/problems.js';
import { RuntimeError } from '../../../src/sdk/errors.js';
import { runCli } from '../../support/cli.js';
import { tmpDir } from '../../support/tmp.js';

const tmp = tmpDir();
test.after(() => tmp.cleanup());

async function problemsOf(name: string, text: string, options = {}): Promise<string[]> {
  const file = tmp.write(name, text);
  const { problems } = await checkFlow(file, options);
  return problems.map((p) => `${p.code} ${formatProblem(p).replace(`${tmp.dir}/`, '')}`);
}

/** A null connector whose config holds `levels` arrays nested in each other (the flow itself adds 4 levels). */
const nested = (levels: number): string =>
  `{\n  connectors: {\n    sink: { type: 'null', config: { deep: ${'['.repeat(levels)}${']'.repeat(levels)} } },\n  },\n}`;

test('a flow file nested 3,000 levels deep is refused where it goes too deep, naming the limit', async () => {
  assert.equal(await problemsOf('deep.json5', nested(3000)), [
    'ERR_FLOW_INVALID deep.json5:3:167: connectors.sink.config.deep…: records and arrays nested more than 128 levels deep; expected at most 128 levels (the limit for flow files)',
  ]);
});

test('the limit is 128 levels: one more is refused, the limit itself is read (and checked as usual)', async () => {
  assert.is(MAX_FLOW_DEPTH, 128);
  const atLimit = await problemsOf('at-limit.json5', nested(MAX_FLOW_DEPTH - 4));
  assert.equal(atLimit, ['ERR_CONFIG_INVALID at-limit.json5:3:37: connectors.sink.config.deep: unknown key "deep"; expected one of: ']);
  const over = await problemsOf('over.json5', nested(MAX_FLOW_DEPTH - 3));
  assert.match(over[0]!, /^ERR_FLOW_INVALID over\.json5:3:\d+: connectors\.sink\.config\.deep…: records and arrays nested more than 128 levels deep/);
});

test('brackets inside strings and comments do not count as nesting, and the scan survives 200,000 levels', async () => {
  const quoted = `{ args: { text: '${'['.repeat(3000)}' /* ${'{'.repeat(3000)} */ } }`;
  assert.equal(await problemsOf('quoted.json5', quoted), []);
  const huge = `{ x: ${'[ /* [ */ "]",'.repeat(200_000)}${']'.repeat(200_000)} }`;
  assert.equal(await problemsOf('huge.json5', huge), [
    'ERR_FLOW_INVALID huge.json5:1:1784: x[1][1][1]…: records and arrays nested more than 128 levels deep; expected at most 128 levels (the limit for flow files)',
  ]);
});

test('a .troy flow nested 3,000 levels deep is refused at the place it goes too deep', async () => {
  const troy = `define flow deep\nflow\n  define connector c from metronome\n  with\n    config = {"x": ${'['.repeat(3000)}${']'.repeat(3000)}}\n  end;\nend;\ndeploy flow deep;\n`;
  assert.equal(await problemsOf('deep.troy', troy), [
    'ERR_FLOW_INVALID deep.troy:5:147: expressions nested more than 128 levels deep; expected at most 128 levels (the limit for flow files)',
  ]);
  const negations = `define flow neg\nflow\n  define connector c from metronome\n  with\n    config = {"x": ${'- '.repeat(3000)}1}\n  end;\nend;\ndeploy flow neg;\n`;
  assert.match((await problemsOf('neg.troy', negations))[0]!, /^ERR_FLOW_INVALID neg\.troy:5:\d+: expressions nested more than 128 levels deep/);
});

test('tremolo validate reports a deep file as a located problem with exit code 1, not a stack overflow', async () => {
  const file = tmp.write('cli-deep.json5', nested(3000));
  const { code, stdout, stderr } = await runCli(['validate', file], { cwd: tmp.dir });
  assert.is(code, 1);
  assert.not.match(stdout + stderr, /RangeError|call stack/);
  assert.match(stdout + stderr, /cli-deep\.json5:3:167: connectors\.sink\.config\.deep…: records and arrays nested more than 128 levels deep/);
});

test('a --arg value nested past the limit is a usage error', () => {
  const err = (() => {
    try {
      parseArgOption(`x=${'['.repeat(3000)}${']'.repeat(3000)}`);
    } catch (e) {
      return e as RuntimeError;
    }
    return undefined;
  })();
  assert.instance(err, RuntimeError);
  assert.is(err!.code, 'ERR_USAGE');
  assert.is(err!.message, '--arg x: records and arrays nested more than 128 levels deep; expected at most 128 levels (the limit for flow files)');
});

test('only args the flow declares itself can be given: --arg toString=1 is unknown', async () => {
  assert.equal(await problemsOf('own.json5', `{ args: { url: 'x' } }`, { args: { toString: 1, constructor: 2, __proto__: 3 } }), [
    'ERR_ARG_UNKNOWN own.json5:1:3: args: unknown arg "toString" given; known: url',
  ]);
  // Each unknown arg is reported; they share one place, so the message of the first stands.
  const { problems, model } = await checkFlow(tmp.write('own2.json5', `{ args: { url: 'x' } }`), { args: { hasOwnProperty: 1 } });
  assert.is(model, undefined);
  assert.equal(problems.map((p) => [p.code, p.message]), [['ERR_ARG_UNKNOWN', 'unknown arg "hasOwnProperty" given; known: url']]);
});

test('a placeholder naming an inherited property is an unknown arg, not Object.prototype', async () => {
  assert.equal(await problemsOf('inherited.json5', `{\n  args: { url: 'x' },\n  connectors: { s: { type: 'ws_server', codec: 'json', config: { url: '\${args.toString}' } } },\n}`), [
    'ERR_ARG_INVALID inherited.json5:3:71: connectors.s.config.url: unknown arg "toString" in "${args.toString}"; known: url',
  ]);
});

test('substitution keeps a key written "__proto__" a key of its record, never its prototype', () => {
  const raw = JSON5.parse(`{ config: { __proto__: { backlog: 'x' }, url: '\${args.url}' } }`) as unknown;
  const out = substitute(raw, { args: { url: 'u' }, resolvers: {} }, () => undefined) as { config: Record<string, unknown> };
  assert.equal(Object.keys(out.config), ['__proto__', 'url']);
  assert.is(Object.getPrototypeOf(out.config), Object.prototype);
  assert.is(out.config.backlog, undefined);
});

test.run();
