import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow } from '../../../../src/app/testing/index.js';

test('merge through the connector: onto an absent key, then onto what is stored; the reply is the new value', async () => {
  const flow = await startFlow({ connectors: { store: { type: 'kv' } } });
  try {
    const merge = async (value: unknown): Promise<unknown> => {
      flow.send('store', 'in', { merge: { key: 'thing', value } });
      return (await flow.next('store', 'out')).data;
    };
    assert.equal(await merge({ attributes: { a: 1, gone: null }, features: { f: { properties: { on: true } } } }), {
      attributes: { a: 1 },
      features: { f: { properties: { on: true } } },
    });
    assert.equal(await merge({ attributes: { b: [1, 2] }, features: { f: { properties: { on: null, level: 3 } } } }), {
      attributes: { a: 1, b: [1, 2] },
      features: { f: { properties: { level: 3 } } },
    });
    assert.equal(await merge({ attributes: { b: [3] } }), { attributes: { a: 1, b: [3] }, features: { f: { properties: { level: 3 } } } });
    assert.equal(await merge({ features: null }), { attributes: { a: 1, b: [3] } });
    flow.send('store', 'in', { get: { key: 'thing' } });
    assert.equal((await flow.next('store', 'out')).data, { attributes: { a: 1, b: [3] } });
    assert.is(await merge(7), 7, 'a patch that is no record replaces the value');
    assert.is(await merge(null), null);
    flow.send('store', 'in', null, { kv: { merge: 'other' } });
    assert.is((await flow.next('store', 'out')).data, null);
    assert.equal(flow.seen('store', 'err'), []);
  } finally {
    await flow.stop();
  }
});

test.run();
