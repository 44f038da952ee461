import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow, type TestFlow } from '../../../src/app/testing/index.js';
import { repoRoot } from '../../support/cli.js';
import { TestClient } from '../../support/ws.js';

const test = suite<{ flow?: TestFlow; clients: TestClient[] }>('chat', { clients: [] });
test.after.each(async (ctx) => {
  await Promise.all(ctx.clients.splice(0).map((c) => c.close()));
  await ctx.flow?.stop();
});
const chat = (commands: boolean) =>
  startFlow(path.join(repoRoot, 'flows/chat.json5'), { args: { url: 'ws://127.0.0.1:0', commands } });
const join = async (ctx: { flow?: TestFlow; clients: TestClient[] }): Promise<TestClient> => {
  const c = await TestClient.open(ctx.flow!.address('room'));
  ctx.clients.push(c);
  return c;
};

test('a message goes to every other connection and not back to its sender', async (ctx) => {
  ctx.flow = await chat(false);
  const [a, b, c] = [await join(ctx), await join(ctx), await join(ctx)];
  a.send('hello all');
  assert.equal(await b.waitFor(1), ['hello all']);
  assert.equal(await c.waitFor(1), ['hello all']);
  b.send('hi a');
  assert.equal(await a.waitFor(1), ['hi a']);
  await sleep(30);
  assert.equal([a.messages.length, b.messages.length, c.messages.length], [1, 1, 2]);
});

test('WSHello names a user (a taken name gets the count of its holders), WSPrivate reaches that user only, WSWhois answers', async (ctx) => {
  ctx.flow = await chat(true);
  const [a, b, c] = [await join(ctx), await join(ctx), await join(ctx)];
  a.send('WSHello ann');
  assert.equal(await a.waitFor(1), ['WSWelcome ann']);
  b.send('WSHello ann');
  assert.equal(await b.waitFor(1), ['WSWelcome ann001']);
  c.send('WSPrivate ann001 psst');
  assert.equal(await b.waitFor(2), ['WSWelcome ann001', 'psst']);
  c.send('WSWhois ann');
  assert.equal(await c.waitFor(1), ['WSIs ann 127.0.0.1']);
  c.send('WSWhois bob');
  assert.equal(await c.waitFor(2), ['WSIs ann 127.0.0.1', 'WSIs bob undefined']);
  await sleep(30);
  assert.equal(a.messages.length, 1, 'the private message reached only its user');
  // A user who leaves frees the name.
  await a.close();
  ctx.clients.splice(ctx.clients.indexOf(a), 1);
  await sleep(30);
  c.send('WSWhois ann');
  assert.equal((await c.waitFor(3))[2], 'WSIs ann undefined');
});

test("commands parse as ouistiti's chat does: spacing kept, no name ignored, a leading space or an empty frame is no command", async (ctx) => {
  ctx.flow = await chat(true);
  const [a, b, c] = [await join(ctx), await join(ctx), await join(ctx)];
  a.send('WSHello bob');
  b.send('WSHello bob');
  c.send('WSHello bob trailing words');
  assert.equal(await a.waitFor(1), ['WSWelcome bob']);
  assert.equal(await b.waitFor(1), ['WSWelcome bob001']);
  // Only "bob" itself counts as taken: a third bob is bob001 too, and a private message reaches both.
  assert.equal(await c.waitFor(1), ['WSWelcome bob001']);
  a.send('WSPrivate bob001  two  spaces ');
  assert.equal(await b.waitFor(2), ['WSWelcome bob001', ' two  spaces ']);
  assert.equal(await c.waitFor(2), ['WSWelcome bob001', ' two  spaces ']);
  // Ignored: no name, no message.
  a.send('WSHello ');
  a.send('WSWhois ');
  a.send('WSPrivate bob');
  a.send('');
  // Plain messages, to everyone else, as they are.
  a.send(' WSWhois bob');
  assert.equal(await b.waitFor(3), ['WSWelcome bob001', ' two  spaces ', ' WSWhois bob']);
  a.send('WSWhois bob\nmore');
  assert.equal(await a.waitFor(2), ['WSWelcome bob', 'WSIs bob 127.0.0.1']);
  await sleep(50);
  assert.equal(a.messages.length, 2);
  assert.equal(b.messages.length, 3);
});

test('without commands, an empty frame is dropped and everything else is a room message', async (ctx) => {
  ctx.flow = await chat(false);
  const [a, b] = [await join(ctx), await join(ctx)];
  a.send('');
  a.send('WSHello bob');
  assert.equal(await b.waitFor(1), ['WSHello bob']);
  await sleep(50);
  assert.equal(b.messages.length, 1);
});

test('the chat page is served at / on the same port, and nothing outside its folder is', async (ctx) => {
  ctx.flow = await chat(false);
  const http = ctx.flow.address('room').replace('ws://', 'http://');
  const page = await fetch(`${http}/`);
  assert.is(page.status, 200);
  assert.is(page.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.match(await page.text(), /<title>tremolo chat<\/title>/);
  // fetch would normalise the dots away; a raw request keeps them.
  const { get } = await import('node:http');
  const status = await new Promise<number>((resolve) => get(`${http}/..%2fchat.json5`, (res) => resolve(res.statusCode ?? 0)));
  assert.is(status, 400);
  assert.is((await fetch(`${http}/nope.html`)).status, 404);
  assert.is((await fetch(`${http}/`, { method: 'POST' })).status, 405);
});

test.run();
