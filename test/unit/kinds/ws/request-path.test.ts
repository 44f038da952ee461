import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isNameSegment, parseRequestPath } from '../../../../src/kinds/ws/request-path.js';

test('a target is decoded segment by segment, its slashes merged, its query and fragment dropped', () => {
  assert.equal(parseRequestPath('/echo'), { path: '/echo', segments: ['echo'], folder: false });
  assert.equal(parseRequestPath('//echo'), { path: '/echo', segments: ['echo'], folder: false });
  assert.equal(parseRequestPath('/a//b///c?x=/../y#z'), { path: '/a/b/c', segments: ['a', 'b', 'c'], folder: false });
  assert.equal(parseRequestPath('/%69nternal'), { path: '/internal', segments: ['internal'], folder: false });
  assert.equal(parseRequestPath('/caf%C3%A9/a%20b'), { path: '/café/a b', segments: ['café', 'a b'], folder: false });
  assert.equal(parseRequestPath('/'), { path: '/', segments: [], folder: false });
  assert.equal(parseRequestPath('//'), { path: '/', segments: [], folder: false });
  assert.equal(parseRequestPath('/...'), { path: '/...', segments: ['...'], folder: false });
});

test('a trailing slash names a folder', () => {
  assert.equal(parseRequestPath('/echo/'), { path: '/echo/', segments: ['echo'], folder: true });
  assert.equal(parseRequestPath('/echo//?q'), { path: '/echo/', segments: ['echo'], folder: true });
});

test('an absolute-form target is read for its path; one whose host is not valid is refused', () => {
  assert.equal(parseRequestPath('http://127.0.0.1:8080/echo?x'), { path: '/echo', segments: ['echo'], folder: false });
  assert.equal(parseRequestPath('WSS://example.com'), { path: '/', segments: [], folder: false });
  assert.equal(parseRequestPath('http://[::1]//echo'), { path: '/echo', segments: ['echo'], folder: false });
  assert.is(parseRequestPath('http://[/'), 'the host of the absolute URL is not valid');
  assert.is(parseRequestPath('http:///echo'), 'the host of the absolute URL is not valid');
  assert.is(parseRequestPath('ftp://host/echo'), 'expected a path starting with "/" or an absolute http(s) or ws(s) URL');
  assert.is(parseRequestPath('*'), 'expected a path starting with "/" or an absolute http(s) or ws(s) URL');
  assert.is(parseRequestPath('echo'), 'expected a path starting with "/" or an absolute http(s) or ws(s) URL');
});

test('encoded slashes, dot segments (encoded or not), bad escapes, bad UTF-8 and controls are refused, not interpreted', () => {
  const refusals: [string, string][] = [
    ['/public/..%2finternal', 'an encoded "/" (%2F) in the path'],
    ['/a%2Fb', 'an encoded "/" (%2F) in the path'],
    ['/sub/%2e%2e%2finternal', 'an encoded "/" (%2F) in the path'],
    ['/sub/%2e%2e/internal', 'a "." or ".." segment in the path'],
    ['/sub/.%2E/internal', 'a "." or ".." segment in the path'],
    ['/sub/../internal', 'a "." or ".." segment in the path'],
    ['/./echo', 'a "." or ".." segment in the path'],
    ['/%2e', 'a "." or ".." segment in the path'],
    ['/x%zz', 'malformed percent-encoding in the path'],
    ['/x%2', 'malformed percent-encoding in the path'],
    ['/ech%C3', 'the path does not decode to UTF-8'],
    ['/%ff', 'the path does not decode to UTF-8'],
    ['/echo%00', 'a control character in the path'],
    ['/a%0d%0aSet-Cookie:x', 'a control character in the path'],
    ['/a%7f', 'a control character in the path'],
  ];
  for (const [target, why] of refusals) assert.is(parseRequestPath(target), why, target);
});

test('a name segment is never empty, a dot segment, a slash or a control character', () => {
  assert.ok(isNameSegment('echo'));
  assert.ok(isNameSegment('...'));
  for (const bad of ['', '.', '..', 'a/b', 'a\u0000b', '\n']) assert.not.ok(isNameSegment(bad), JSON.stringify(bad));
});

test.run();
