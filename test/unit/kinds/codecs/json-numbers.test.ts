import fc from 'fast-check';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { binary } from '../../../../src/kinds/codecs/binary.js';
import { json } from '../../../../src/kinds/codecs/json.js';
import { msgpack } from '../../../../src/kinds/codecs/msgpack.js';
import { string } from '../../../../src/kinds/codecs/string.js';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { TestSocket } from '../../../support/sockets.js';
import { codecOf, decode, encodeText, jsonReadBack, thrown } from './support.js';

const test = suite<{ flow?: TestFlow; socket?: TestSocket }>('json numbers', {});
test.after.each(async (ctx) => {
  ctx.socket?.socket.destroy();
  await ctx.flow?.stop();
  ctx.flow = undefined;
  ctx.socket = undefined;
});

const c = codecOf(json);

test('integers past 2^53 decode to exact bigints; smaller ones and floats stay numbers', () => {
  const text = '{"a":9007199254740993,"b":-9223372036854775808,"c":18446744073709551615,"d":9007199254740991,"e":1.5,"f":1e20,"g":123456789012345678901234567890}';
  assert.equal(decode(c, text), {
    a: 9007199254740993n,
    b: -9223372036854775808n,
    c: 18446744073709551615n,
    d: 9007199254740991,
    e: 1.5,
    f: 1e20,
    g: 123456789012345678901234567890n,
  });
});

test('every integer comes back out with the digits it came in with', () => {
  for (const text of [
    '[9007199254740993,{"x":-12345678901234567890,"y":[1,[18446744073709551616]]}]',
    '9007199254740993',
    '{"ts":1700000000123456789,"id":"1700000000123456789"}',
    '{"k":[],"l":{},"m":[[],[9007199254740995]]}',
  ]) {
    assert.is(encodeText(c, decode(c, text)), text);
  }
});

test('a number beyond the range of a float is an error, never Infinity or null', () => {
  assert.is(thrown(() => decode(c, '{"n":1e999}')), 'the number 1e999 is beyond the range of a 64-bit float');
  assert.is(thrown(() => decode(c, '[-2.5E+400]')), 'the number -2.5E+400 is beyond the range of a 64-bit float');
  assert.is(thrown(() => decode(c, `[${'9'.repeat(5000)}]`)), 'an integer of 5000 digits; at most 4300 are read');
  assert.equal(decode(c, '{"max":1.7976931348623157e308,"small":1e-320}'), { max: 1.7976931348623157e308, small: 1e-320 });
});

test('a big integer or an exponent out of range is found wherever it starts in the frame', () => {
  for (let pad = 0; pad < 12; pad++) {
    const space = ' '.repeat(pad);
    assert.is(thrown(() => decode(c, `[${space}1e400]`)), 'the number 1e400 is beyond the range of a 64-bit float', `pad ${pad}`);
    assert.is(thrown(() => decode(c, `{${space}"k":7E+999}`)), 'the number 7E+999 is beyond the range of a 64-bit float', `pad ${pad}`);
    assert.equal(decode(c, `[${space}9007199254740993]`), [9007199254740993n], `pad ${pad}`);
    assert.equal(decode(c, `[${space}1.5e100, 12e300]`), [1.5e100, 12e300], `pad ${pad}`);
  }
});

test('digits inside strings, escaped quotes and keys are not numbers; keys given twice keep the last value', () => {
  assert.equal(decode(c, '{"s":"12345678901234567890","q\\"uote":"a\\\\\\"9007199254740993","n":9007199254740993}'), {
    s: '12345678901234567890',
    'q"uote': 'a\\"9007199254740993',
    n: 9007199254740993n,
  });
  // After an empty record or array, a string in an array is an element, not a key.
  assert.equal(decode(c, '[{},"",9007199254740993,[],"k",{"":[]},-9007199254740993]'), [{}, '', 9007199254740993n, [], 'k', { '': [] }, -9007199254740993n]);
  assert.equal(decode(c, '{"x":9007199254740993,"x":1}'), { x: 1 });
  assert.equal(decode(c, '{"x":1,"x":9007199254740993}'), { x: 9007199254740993n });
  const proto = decode(c, '{"__proto__":9007199254740993}') as Record<string, unknown>;
  assert.equal(Object.keys(proto), ['__proto__']);
  assert.is(Object.getOwnPropertyDescriptor(proto, '__proto__')!.value, 9007199254740993n);
  assert.is(Object.getPrototypeOf(proto), Object.prototype);
});

test('bigints are written as exact integers by json, string and binary alike, sorted or not', () => {
  const value = { b: 2n ** 70n, a: [5n, -(2n ** 63n)] };
  assert.is(encodeText(c, value), '{"b":1180591620717411303424,"a":[5,-9223372036854775808]}');
  assert.is(encodeText(codecOf(json, { mode: 'sorted' }), value), '{"a":[5,-9223372036854775808],"b":1180591620717411303424}');
  assert.is(encodeText(codecOf(string), value), '{"b":1180591620717411303424,"a":[5,-9223372036854775808]}');
  assert.is(encodeText(codecOf(binary), value), '{"b":1180591620717411303424,"a":[5,-9223372036854775808]}');
  // A string never turns into a number, whatever it holds.
  assert.is(encodeText(c, { s: 'bigint-0123456789abcdef01234567:5', n: 1n }), '{"s":"bigint-0123456789abcdef01234567:5","n":1}');
});

test('a float past 2^53 is written as JavaScript writes it and reads back as the bigint of those digits, the same double under Number()', () => {
  assert.is(encodeText(c, { f: 2 ** 60, g: -1e20, h: 1.5, i: 9007199254740991, j: 1e300 }), '{"f":1152921504606847000,"g":-100000000000000000000,"h":1.5,"i":9007199254740991,"j":1e+300}');
  const back = decode(c, encodeText(c, [2 ** 60, -1e20, 1e300])) as [bigint, bigint, number];
  assert.equal(back, [1152921504606847000n, -100000000000000000000n, 1e300]);
  assert.equal(back.map(Number), [2 ** 60, -1e20, 1e300]);
  // Digits in strings stay as they are.
  assert.is(encodeText(c, { id: '12345678901234567890', n: 2n ** 64n }), '{"id":"12345678901234567890","n":18446744073709551616}');
});

test('decode(encode(x)) equals x for JSON values holding big integers, floats past 2^53 coming back as said above', () => {
  const big = fc.oneof(fc.bigInt({ min: 2n ** 53n + 1n, max: 2n ** 80n }), fc.bigInt({ min: -(2n ** 80n), max: -(2n ** 53n) - 1n }));
  const leaf = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.maxSafeInteger(), big, fc.string(), fc.boolean(), fc.constant(null));
  const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(fc.string().filter((k) => k !== '__proto__'), tie('node'), { maxKeys: 4, noNullPrototype: true })),
  })).node;
  fc.assert(
    fc.property(value, (v) => {
      assert.equal(decode(c, encodeText(c, v)), jsonReadBack(v));
    }),
    { numRuns: 500 },
  );
});

test('a bigint from json goes through msgpack as an int64 and back unchanged', () => {
  const m = codecOf(msgpack);
  const value = decode(c, '{"id":9223372036854775807,"neg":-9007199254740993}');
  const packed = m.encode(value, {}) as Buffer;
  assert.ok(packed.includes(Buffer.from([0xcf, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])) || packed.includes(Buffer.from([0xd3, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])), packed.toString('hex'));
  assert.is(encodeText(c, m.decode(packed, {})), '{"id":9223372036854775807,"neg":-9007199254740993}');
});

test('through a flow over a real socket, expressions compute on big integers exactly and a frame out of range goes to err', async (ctx) => {
  ctx.flow = await startFlow({
    connectors: { server: { type: 'tcp_server', codec: 'json', preprocessors: ['separate'], postprocessors: ['separate'], config: { url: '127.0.0.1:0' } } },
    pipelines: { calc: { operators: [{ op: 'map', config: { event: '{ "same": event.n, "next": event.n + 1, "big": event.n > 9007199254740992 }' } }] } },
    links: [['server', 'calc'], ['calc', 'server']],
  });
  ctx.socket = await TestSocket.connect(ctx.flow.address('server'));
  ctx.socket.send('{"n":9007199254740993}\n{"n":1e999}\n{"n":18446744073709551615}\n');
  assert.equal(await ctx.socket.waitLines(2, 5000), [
    '{"same":9007199254740993,"next":9007199254740994,"big":true}',
    '{"same":18446744073709551615,"next":18446744073709551616,"big":true}',
  ]);
  const err = (await ctx.flow.next('server', 'err')).data as { code: string; error: string };
  assert.equal([err.code, err.error], ['ERR_CODEC_DECODE', 'server: the number 1e999 is beyond the range of a 64-bit float']);
});

test.run();
