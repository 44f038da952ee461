import net from 'node:net';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { IncomingMessage } from 'node:http';
import { allowed, patternMatches, resolveTarget, UpstreamSchema } from '../../../src/connectors/shared/upstream-targets.js';
import { tmpDir } from '../../support/tmp.js';

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

test('the path names a socket under docroot; else the subprotocol does; else 403 with why', async () => {
  const echo = await socketAt('echo');
  const chat = await socketAt('chat');
  const c = UpstreamSchema.parse({ docroot: tmp.dir, deny: ['^/private'] });
  assert.equal(resolveTarget(c, req('/echo')), { unix: echo });
  assert.equal(resolveTarget(c, req('/', 'chat')), { unix: chat });
  assert.equal(resolveTarget(c, req('/nothing', 'chat')), { unix: chat });
  assert.is(resolveTarget(c, req('/missing')), 'no upstream for "/missing"');
  assert.is(resolveTarget(c, req('/private/echo')), '"/private/echo" is not allowed');
  assert.is(resolveTarget(c, req('/..%2fetc%2fpasswd')), '"/../etc/passwd" leaves the docroot');
  tmp.write('plain-file', 'not a socket');
  assert.is(resolveTarget(c, req('/plain-file')), 'no upstream for "/plain-file"');
});

test('links map path prefixes to TCP or UNIX upstreams, the longest prefix first', () => {
  const c = UpstreamSchema.parse({ links: { '/db': 'tcp://127.0.0.1:5432', '/db/admin': 'unix:/run/admin.sock' } });
  assert.equal(resolveTarget(c, req('/db')), { tcp: '127.0.0.1:5432' });
  assert.equal(resolveTarget(c, req('/db/x')), { tcp: '127.0.0.1:5432' });
  assert.equal(resolveTarget(c, req('/db/admin/y')), { unix: '/run/admin.sock' });
  assert.is(resolveTarget(c, req('/dbx')), 'no upstream for "/dbx"');
});

test('an upstream needs a docroot or links', () => {
  assert.equal(UpstreamSchema.safeParse({}).error?.issues.map((i) => i.message), ['expected a docroot or links']);
});

test.run();
