import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { builtins } from '../../../../src/app/builtins/registries.js';

const directions = (): Record<string, string> =>
  Object.fromEntries(builtins().processors.values().map((p) => [p.name, `${p.pre ? 'pre' : ''}${p.pre && p.post ? '+' : ''}${p.post ? 'post' : ''}`]));

test('every preprocessor and postprocessor name Tremor users know is registered, in the directions Tremor has it', () => {
  assert.equal(directions(), {
    separate: 'pre+post',
    'remove-empty': 'pre',
    base64: 'pre+post',
    decompress: 'pre',
    compress: 'post',
    'streaming-compress': 'post',
    'length-prefixed': 'pre+post',
    'textual-length-prefixed': 'pre+post',
    'ingest-ns': 'pre+post',
    chunk: 'post',
    collect: 'post',
  });
  // ThingsDB's framing is its package's (packages/thingsdb), not a built-in.
  assert.not.ok(builtins().processors.has('thingsdb'));
});

test('processors whose config is optional accept being named without one', () => {
  for (const def of builtins().processors.values()) {
    if (def.config === undefined || ['compress', 'streaming-compress', 'chunk'].includes(def.name)) continue;
    assert.ok(def.config.safeParse(undefined).success, `${def.name} rejects a missing config`);
  }
});

test('every processor describes itself', () => {
  for (const def of builtins().processors.values()) assert.ok(def.description.length > 20, `${def.name} has no description`);
});

test.run();
