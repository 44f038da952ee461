import net from 'node:net';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { IncomingMessage } from 'node:http';
import { allowed, patternMatches, resolveTarget, UpstreamSchema, type Refusal, type Target } from '../../../../src/kinds/ws/upstream-targets.js';
import { tmpDir } from '../../../support/tmp.js';

const tmp = tmpDir();
const servers: net.Server[] = [];
test.after(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  tmp.cleanup();
});
const socketAt = (name: string): Promise<string> => {
  const file = path.join(tmp.dir, name);
  const server = net.createServer();
  servers.push(server);
  return new Promise((resolve) => server.listen(file, () => resolve(file)));
};
const req = (url: string, protocol?: string): IncomingMessage => ({ url, headers: protocol ? { 'sec-websocket-protocol': protocol } : {} }) as IncomingMessage;

test('patterns: * is any run, a pattern matches anywhere unless ^ anchors it, $ anchors the end', () => {
  assert.ok(patternMatches('ws_*', '/ws_echo'));
  assert.ok(patternMatches('internal/*', '/a/internal/x'));
  assert.not.ok(patternMatches('^internal/*', '/a/internal/x'));
  assert.ok(patternMatches('^/internal', '/internal/x'));
  assert.ok(patternMatches('echo$', '/ws/echo'));
  assert.not.ok(patternMatches('echo$', '/echo/more'));
  assert.ok(patternMatches('a.b', '/a.b'));
  assert.not.ok(patternMatches('a.b', '/axb'));
});

test('deny is checked first unless deny_last; the first list that matches decides', () => {
  const c = UpstreamSchema.parse({ docroot: tmp.dir, allow: ['ws_*'], deny: ['*secret*'] });
  assert.ok(allowed(c, '/ws_echo'));
  assert.not.ok(allowed(c, '/ws_secret'));
  assert.not.ok(allowed(c, '/other'));
  const last = UpstreamSchema.parse({ docroot: tmp.dir, allow: ['ws_*'], deny: ['*secret*'], deny_last: true });
  assert.ok(allowed(last, '/ws_secret'));
  assert.not.ok(allowed(last, '/secret'));
});

test('the path names a socket under docroot; else the subprotocol does; else 403, and a malformed target 400', async () => {
  const echo = await socketAt('echo');
  const chat = await socketAt('chat');
  const c = UpstreamSchema.parse({ docroot: tmp.dir, deny: ['^/private'] });
  const refused = (p: string) => ({ status: 403, reason: `no upstream for ${JSON.stringify(p)}` });
  // What the client is told, without the log's detail.
  const without = (r: Target | Refusal): unknown => ('status' in r ? { status: r.status, reason: r.reason } : r);
  assert.equal(await resolveTarget(c, req('/echo')), { unix: echo });
  assert.equal(await resolveTarget(c, req('/', 'chat')), { unix: chat });
  assert.equal(await resolveTarget(c, req('/nothing', 'chat')), { unix: chat });
  assert.equal(without(await resolveTarget(c, req('/missing'))), refused('/missing'));
  assert.equal(without(await resolveTarget(c, req('/private/echo'))), refused('/private/echo'));
  assert.equal(without(await resolveTarget(c, req('/..%2fetc%2fpasswd'))), { status: 400, reason: 'malformed request target: an encoded "/" (%2F) in the path' });
  tmp.write('plain-file', 'not a socket');
  assert.equal(without(await resolveTarget(c, req('/plain-file'))), refused('/plain-file'));
  // The log is told why; the client is not.
  assert.equal(await resolveTarget(c, req('/private/echo')), { status: 403, reason: 'no upstream for "/private/echo"', detail: '"/private/echo" is denied by allow/deny' });
  assert.equal(await resolveTarget(c, req('/plain-file')), { status: 403, reason: 'no upstream for "/plain-file"', detail: '"/plain-file": not a socket' });
});

test('links map path prefixes to TCP or UNIX upstreams, the longest prefix first, on the canonical path', async () => {
  const c = UpstreamSchema.parse({ links: { '/db': 'tcp://127.0.0.1:5432', '/db/admin': 'unix:/run/admin.sock' }, deny: ['^/db/admin/secret'] });
  assert.equal(await resolveTarget(c, req('/db')), { tcp: '127.0.0.1:5432' });
  assert.equal(await resolveTarget(c, req('/db/x')), { tcp: '127.0.0.1:5432' });
  assert.equal(await resolveTarget(c, req('/db/admin/y')), { unix: '/run/admin.sock' });
  assert.equal(await resolveTarget(c, req('//db//admin/y')), { unix: '/run/admin.sock' });
  assert.equal(await resolveTarget(c, req('/db/%61dmin/secret')), { status: 403, reason: 'no upstream for "/db/admin/secret"', detail: '"/db/admin/secret" is denied by allow/deny' });
  assert.equal(await resolveTarget(c, req('/dbx')), { status: 403, reason: 'no upstream for "/dbx"', detail: '"/dbx" matches no link' });
});

test('patterns are matched without backtracking, with the same answers as the regular expression they stand for', () => {
  const asRegex = (pattern: string, text: string): boolean => {
    const start = pattern.startsWith('^');
    const end = pattern.endsWith('$') && !pattern.endsWith('\\$');
    const body = pattern.slice(start ? 1 : 0, end ? -1 : undefined);
    const source = body.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
    return new RegExp(`${start ? '^' : ''}${source}${end ? '$' : ''}`, 's').test(text);
  };
  // A small alphabet, so that parts overlap, repeat and touch the ends often.
  let seed = 7;
  const random = (n: number): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  const word = (alphabet: string, max: number): string => Array.from({ length: random(max) }, () => alphabet[random(alphabet.length)]).join('');
  let checked = 0;
  for (let i = 0; i < 5000; i++) {
    const pattern = `${random(2) ? '^' : ''}${word('ab*/', 6)}${random(2) ? '$' : ''}`;
    const text = word('ab/', 9);
    assert.is(patternMatches(pattern, text), asRegex(pattern, text), `${JSON.stringify(pattern)} on ${JSON.stringify(text)}`);
    checked++;
  }
  assert.is(checked, 5000);
});

test('an upstream needs a docroot or links', () => {
  assert.equal(UpstreamSchema.safeParse({}).error?.issues.map((i) => i.message), ['expected a docroot or links']);
});

test.run();
