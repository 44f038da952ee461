import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isRuntimeError } from '../../../../src/sdk/errors.js';
import { namesOf } from '../../../../src/app/scaffold/names.js';

const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (isRuntimeError(err) && err.code === 'ERR_USAGE') return err.message;
    throw err;
  }
  return 'accepted';
};

test('a NAME in snake_case or kebab-case gives kebab-case files and the name in the case of its kind', () => {
  assert.equal(namesOf('connector', 'my-counter'), { registered: 'my_counter', file: 'my-counter' });
  assert.equal(namesOf('operator', 'rate_cap'), { registered: 'rate_cap', file: 'rate-cap' });
  assert.equal(namesOf('codec', 'key_values'), { registered: 'key-values', file: 'key-values' });
  assert.equal(namesOf('processor', 'frame32'), { registered: 'frame32', file: 'frame32' });
  assert.equal(namesOf('flow', 'my_service'), { registered: 'my-service', file: 'my-service' });
});

test('an invalid name is refused, saying what a name is', () => {
  for (const name of ['MyCounter', '1st', 'my counter', 'my__counter', '-counter', 'counter-', 'my.counter', '']) {
    assert.is(
      refusal(() => namesOf('connector', name)),
      `invalid name ${JSON.stringify(name)}: expected lowercase letters and digits, starting with a letter, words joined by "_" or "-" (e.g. my_counter)`,
      name,
    );
  }
});

test('a built-in name is refused for its own kind only', () => {
  assert.is(refusal(() => namesOf('connector', 'ws-server')), 'connector type "ws_server" is built in; choose another name');
  assert.is(refusal(() => namesOf('codec', 'json')), 'codec "json" is built in; choose another name');
  assert.is(refusal(() => namesOf('processor', 'length_prefixed')), 'processor "length-prefixed" is built in; choose another name');
  assert.is(refusal(() => namesOf('operator', 'filter')), 'operator "filter" is built in; choose another name');
  assert.is(refusal(() => namesOf('operator', 'json')), 'accepted');
  assert.is(refusal(() => namesOf('flow', 'ws_server')), 'accepted');
});

test.run();
