import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jsonRpcOperator } from '../../../../src/kinds/jsonrpc/operator.js';
import { until } from '../../../support/sockets.js';
import { runOperator } from '../operators/support.js';

// The JSON-RPC operator against what a peer (or a careless method) can make of it: every message
// is answered or reported, nothing escapes as an unhandled rejection.
const rpc = jsonRpcOperator({
  name: 'rpc',
  methods: {
    throwsUndefined: {
      handler: () => {
        throw undefined;
      },
    },
    throwsBigint: {
      handler: () => {
        throw 10n;
      },
    },
    bigint: { handler: () => ({ n: 10n }) },
    echo: { handler: (params: unknown) => params },
  },
});

const answers = async (h: ReturnType<typeof runOperator>, count: number): Promise<unknown[]> => {
  await until(() => h.data().length >= count, () => `${count} answers (have ${JSON.stringify(h.data())})`);
  return h.data().map((d) => JSON.parse(d as string));
};

test('a method that throws undefined or a bigint is answered -32603, with what it threw', async () => {
  const h = runOperator(rpc, {});
  h.push('{"jsonrpc":"2.0","method":"throwsUndefined","id":1}');
  h.push('{"jsonrpc":"2.0","method":"throwsBigint","id":2}');
  assert.equal(await answers(h, 2), [
    { jsonrpc: '2.0', id: 1, error: { code: -32603, message: 'Internal error', data: 'undefined' } },
    { jsonrpc: '2.0', id: 2, error: { code: -32603, message: 'Internal error', data: '10n' } },
  ]);
});

test('a result with no JSON form is answered -32603; the other answers of its batch stand', async () => {
  const h = runOperator(rpc, {});
  h.push('{"jsonrpc":"2.0","method":"bigint","id":1}');
  h.push('[{"jsonrpc":"2.0","method":"echo","params":[1],"id":2},{"jsonrpc":"2.0","method":"bigint","id":3}]');
  const data = 'the result has no JSON form: Do not know how to serialize a BigInt';
  assert.equal(await answers(h, 2), [
    { jsonrpc: '2.0', id: 1, error: { code: -32603, message: 'Internal error', data } },
    [
      { jsonrpc: '2.0', id: 2, result: [1] },
      { jsonrpc: '2.0', id: 3, error: { code: -32603, message: 'Internal error', data } },
    ],
  ]);
  assert.equal(h.errors, []);
});

test('a batch over max_batch is answered -32600 whole, and none of its calls runs', async () => {
  let ran = 0;
  const counted = jsonRpcOperator({ name: 'counted', maxBatch: 3, methods: { tick: { handler: () => ++ran } } });
  const h = runOperator(counted, {});
  const call = (id: number): string => `{"jsonrpc":"2.0","method":"tick","id":${id}}`;
  h.push(`[${[1, 2, 3, 4].map(call).join(',')}]`);
  h.push(`[${[5, 6, 7].map(call).join(',')}]`);
  const [refused, done] = await answers(h, 2);
  assert.equal(refused, { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request', data: { batch: 4, max_batch: 3 } } });
  assert.is((done as unknown[]).length, 3);
  assert.is(ran, 3);
  // The flow's config may set it too.
  const h2 = runOperator(counted, { max_batch: 1 });
  h2.push(`[${[8, 9].map(call).join(',')}]`);
  assert.equal((await answers(h2, 1))[0], { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request', data: { batch: 2, max_batch: 1 } } });
});

test('a message that is neither text nor has a JSON form goes to err with the reason', () => {
  const h = runOperator(rpc, {});
  h.push({ n: 1n });
  assert.equal(
    h.errors.map((e) => [e.code, e.message]),
    [['ERR_OPERATOR_FAILED', 'a message that is no JSON text, and has no JSON form: Do not know how to serialize a BigInt']],
  );
});

test.run();
