import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseSubprotocols, SUBPROTOCOL_TOKEN } from '../../../../src/kinds/ws/subprotocols.js';

test('a Sec-WebSocket-Protocol header is the list of its tokens, trimmed; no header asks for none', () => {
  assert.equal(parseSubprotocols(undefined), []);
  assert.equal(parseSubprotocols('chat'), ['chat']);
  assert.equal(parseSubprotocols(' chat ,  v2.json'), ['chat', 'v2.json']);
});

test('a header that is not a list of distinct tokens is malformed', () => {
  for (const header of ['', 'a,,b', 'a, ,b', 'a,', 'chat room', 'a;b', 'ch@t', 'é', 'a,a']) {
    assert.is(parseSubprotocols(header), undefined, JSON.stringify(header));
  }
});

test('a token is made of RFC 7230 tchars only', () => {
  assert.ok(SUBPROTOCOL_TOKEN.test("!#$%&'*+-.^_`|~09AZaz"));
  for (const bad of ['', 'a b', 'a/b', 'a"b', 'a\tb', '(a)']) assert.not.ok(SUBPROTOCOL_TOKEN.test(bad), JSON.stringify(bad));
});

test.run();
