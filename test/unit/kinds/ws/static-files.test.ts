import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { echoFlow } from '../../../support/flows.js';
import { rawRequest } from '../../../support/raw-http.js';
import { tmpDir } from '../../../support/tmp.js';

const test = suite<{ plain?: TestFlow; following?: TestFlow }>('static files');
const tmp = tmpDir('tremolo-static-');
const root = path.join(tmp.dir, 'root');
const PAGE = '<!doctype html><title>the page</title>';

test.before(async (ctx) => {
  mkdirSync(path.join(root, 'sub'), { recursive: true });
  mkdirSync(path.join(tmp.dir, 'elsewhere'));
  tmp.write('root/index.html', PAGE);
  tmp.write('root/app.js', 'console.log(1);\n');
  tmp.write('root/sub/index.html', 'the sub page');
  tmp.write('root/empty.txt', '');
  tmp.write('root/.env', 'TOKEN=s3cret');
  mkdirSync(path.join(root, '.git'));
  tmp.write('root/.git/config', '[core]');
  tmp.write('secret.txt', 'outside the root');
  tmp.write('elsewhere/secret.txt', 'outside the root too');
  symlinkSync('../secret.txt', path.join(root, 'out.txt'));
  symlinkSync('index.html', path.join(root, 'alias.html'));
  symlinkSync('../elsewhere', path.join(root, 'outdir'));
  symlinkSync('sub', path.join(root, 'subalias'));
  execFileSync('mkfifo', [path.join(root, 'pipe')]);
  ctx.plain = await startFlow(echoFlow({ config: { static: { root } } }));
  ctx.following = await startFlow(echoFlow({ config: { static: { root, follow_symlinks: true, dotfiles: true } } }));
});

test.after(async (ctx) => {
  await ctx.plain?.stop();
  await ctx.following?.stop();
  tmp.cleanup();
});

const port = (flow: TestFlow): number => Number(new URL(flow.address('server')).port);
/** The request exactly as written: no client library to normalise the target first. */
const get = (flow: TestFlow, target: string, method = 'GET') => rawRequest(port(flow), `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);

test('files under root are served, a folder by its index, slashes merged; HEAD has the length and no body', async (ctx) => {
  for (const target of ['/', '/index.html', '//index.html', '/?q=1']) {
    const reply = await get(ctx.plain!, target);
    assert.is(reply.status, 200, target);
    assert.is(reply.body, PAGE, target);
  }
  assert.match((await get(ctx.plain!, '/index.html')).text, /\r\ncontent-type: text\/html; charset=utf-8\r\n/i);
  assert.is((await get(ctx.plain!, '/sub')).body, 'the sub page');
  assert.is((await get(ctx.plain!, '/sub/')).body, 'the sub page');
  assert.is((await get(ctx.plain!, '/empty.txt')).status, 200);
  const head = await get(ctx.plain!, '/app.js', 'HEAD');
  assert.is(head.status, 200);
  assert.match(head.text, /\r\ncontent-length: 16\r\n/i);
  assert.is(head.body, '');
});

test('a file or folder whose name begins with "." is 404 unless dotfiles is on', async (ctx) => {
  for (const target of ['/.env', '/.git/config', '/.git/', '/%2Eenv']) {
    const reply = await get(ctx.plain!, target);
    assert.is(reply.status, 404, target);
    assert.not.match(reply.body, /s3cret|core/, target);
  }
  assert.is((await get(ctx.following!, '/.env')).body, 'TOKEN=s3cret');
  assert.is((await get(ctx.following!, '/.git/config')).body, '[core]');
});

test('a malformed or traversing target is answered 400, and nothing outside root is read', async (ctx) => {
  const refusals: [string, string][] = [
    ['/..%2fsecret.txt', 'an encoded "/" (%2F) in the path'],
    ['/sub/%2e%2e/%2e%2e/secret.txt', 'a "." or ".." segment in the path'],
    ['/sub/../../secret.txt', 'a "." or ".." segment in the path'],
    ['/%zz', 'malformed percent-encoding in the path'],
    ['/index.html%00.txt', 'a control character in the path'],
  ];
  for (const [target, why] of refusals) {
    const reply = await get(ctx.plain!, target);
    assert.is(reply.status, 400, target);
    assert.is(reply.body, `400 Bad Request: ${why}\n`, target);
  }
  assert.is((await get(ctx.plain!, '/')).status, 200, 'still serving');
});

test('a file reached through a symbolic link is 404 by default, whether the link points inside root or out of it', async (ctx) => {
  for (const target of ['/out.txt', '/alias.html', '/outdir/secret.txt', '/subalias/index.html', '/subalias/']) {
    const reply = await get(ctx.plain!, target);
    assert.is(reply.status, 404, target);
    assert.is(reply.body, '404 Not Found\n', target);
  }
});

test('with follow_symlinks, a link is followed only to a real target inside root', async (ctx) => {
  const alias = await get(ctx.following!, '/alias.html');
  assert.is(alias.status, 200);
  assert.is(alias.body, PAGE);
  assert.is((await get(ctx.following!, '/subalias/')).body, 'the sub page');
  for (const target of ['/out.txt', '/outdir/secret.txt']) assert.is((await get(ctx.following!, target)).status, 404, target);
});

test('a FIFO, and a file named with a trailing slash, are 404 at once', async (ctx) => {
  assert.is((await get(ctx.plain!, '/pipe')).status, 404);
  assert.is((await get(ctx.following!, '/pipe')).status, 404);
  assert.is((await get(ctx.plain!, '/index.html/')).status, 404);
  assert.is((await get(ctx.plain!, '/')).status, 200, 'still serving');
});

test.run();
