import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RuntimeError } from '../../../src/sdk/errors.js';
import { memoryLogger } from '../../../src/sdk/logger.js';
import { redactUrl, redactUrls, redactValues } from '../../../src/sdk/redact.js';
import { errorData } from '../../../src/sdk/error-data.js';

test("a url's password is *** wherever it is in a text; a lone user name (often a token) is *** whole", () => {
  assert.is(redactUrls('POST http://alice:s3cret@host:80/x failed'), 'POST http://alice:***@host:80/x failed');
  assert.is(redactUrls('cloning https://ghp_T0KEN@github.com/o/r'), 'cloning https://***@github.com/o/r');
  assert.is(redactUrls('nats://u:p@a:4222,nats://v:q@b:4222'), 'nats://u:***@a:4222,nats://v:***@b:4222');
  assert.is(redactUrls('received "wss://u:p@h/path?x=a@b"'), 'received "wss://u:***@h/path?x=a@b"');
});

test('userinfo runs to the last @ before the path, as URL parsing reads it', () => {
  const text = 'http://us@er:pa@ss@host/';
  assert.is(new URL(text).password, 'pa%40ss');
  assert.is(redactUrls(text), 'http://us@er:***@host/');
});

test('the spellings URL parsing also reads as userinfo are redacted: no slashes, backslashes, as JSON escapes them', () => {
  assert.is(new URL('http:bob:pw@example.com').password, 'pw');
  assert.is(redactUrls('http:bob:pw@example.com'), 'http:bob:***@example.com');
  assert.is(redactUrls(JSON.stringify('http:\\\\bob:pw@example.com')), JSON.stringify('http:\\\\bob:***@example.com'));
});

test('text without credentials is left as it is', () => {
  for (const text of ['mail me at bob@example.com', 'http://example.com/@user', 'ws://[::1]:80/a', 'key 1:2@3 is fine', 'no at sign http://x']) {
    assert.is(redactUrls(text), text);
  }
});

test('redactUrl gives a URL as text without its password or lone user name', () => {
  assert.is(redactUrl(new URL('http://a:b@h/p')), 'http://a:***@h/p');
  assert.is(redactUrl(new URL('http://tok@h/p')), 'http://***@h/p');
  assert.is(redactUrl(new URL('http://h/p')), 'http://h/p');
});

test('redactValues replaces each secret as written and as JSON escapes it, longest first, and the start of one cut short', () => {
  assert.is(redactValues('a "x\\"y" b x"y', ['x"y']), 'a "***" b ***');
  assert.is(redactValues('abc abcdef', ['abc', 'abcdef']), '*** ***');
  assert.is(redactValues('received "xxxxhunt…', ['hunter2']), 'received "xxxx***…');
  assert.is(redactValues('nothing here', ['']), 'nothing here');
});

test('log lines, err events and RuntimeErrors never carry a url password, whoever wrote them', () => {
  const log = memoryLogger();
  log.warn('connect to ws://u:p@h failed');
  assert.match(log.lines[0]!, /WARN  connect to ws:\/\/u:\*\*\*@h failed$/);
  assert.is(errorData('ERR_WRITE_FAILED', 'c: GET http://u:p@h failed', 'c').error, 'c: GET http://u:***@h failed');
  assert.is(new RuntimeError('ERR_BIND_FAILED', 'c: cannot reach https://u:p@h').message, 'c: cannot reach https://u:***@h');
});

test.run();
