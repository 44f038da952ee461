import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { reason } from '../../../src/sdk/errors.js';

// reason() runs inside catch blocks: if it threw, the error it was to report would escape instead.
test('reason() of anything thrown is one line, and never throws itself', () => {
  const cycle: Record<string, unknown> = { a: 1 };
  cycle.self = cycle;
  assert.is(reason(new Error('boom')), 'boom');
  assert.is(reason('text'), 'text');
  assert.is(reason(10n), '10n');
  assert.is(reason(undefined), 'undefined');
  assert.is(reason(null), 'null');
  assert.is(reason({ code: 7 }), '{"code":7}');
  assert.is(reason(cycle), '[object Object]');
});

test.run();
