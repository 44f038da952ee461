import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { loadFlow } from '../../../../src/app/load.js';
import { launchChromium } from '../../../support/browser.js';
import { requireBuilt } from '../../../support/built.js';
import { repoRoot } from '../../../support/cli.js';
import { TestClient } from '../../../support/ws.js';

/**
 * The live graph page in real headless Chromium, served by a real `tremolo run --api` process of
 * the installed command (dist/, which `npm test` builds first: the page's files are found from it
 * too), fed by a real WebSocket client.
 */
interface Ctx {
  child?: ChildProcess;
  stderr?: string;
  base?: string;
  echo?: string;
  browser?: Browser;
  problems?: string[];
}

const FLOWS = ['flows/echo.json5', 'flows/jsonrpc.json5'];

const test = suite<Ctx>('graph page', {});

test.before(async (ctx) => {
  const child = spawn(process.execPath, [path.join(requireBuilt(), 'bin/tremolo.js'), 'run', ...FLOWS, '--arg', 'url=ws://127.0.0.1:0', '--api', '0'], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  ctx.child = child;
  ctx.stderr = '';
  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tremolo run did not start within 30 s:\n${ctx.stderr}`)), 30_000);
    child.stderr!.on('data', (d) => {
      ctx.stderr += d;
      const base = /status API on (http:\/\/\S+)/.exec(ctx.stderr!);
      const echo = /\[echo\/server\] listening on (ws:\/\/\S+)/.exec(ctx.stderr!);
      if (base !== null && echo !== null) {
        clearTimeout(timer);
        ctx.base = base[1];
        ctx.echo = echo[1];
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`tremolo run exited with ${code}:\n${ctx.stderr}`)));
  });
  [ctx.browser] = await Promise.all([launchChromium(), started]);
});

test.after(async (ctx) => {
  await ctx.browser?.close();
  const child = ctx.child;
  if (child !== undefined && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
});

/** A page that records what goes wrong in it: errors, and anything its Content-Security-Policy blocked. */
async function open(ctx: Ctx): Promise<Page> {
  const page = await ctx.browser!.newPage();
  ctx.problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') ctx.problems!.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => ctx.problems!.push(`page error: ${e.message}`));
  await page.addInitScript({ content: "document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP blocked ${e.violatedDirective} ${e.blockedURI}`));" });
  await page.goto(`${ctx.base}/`);
  await page.locator('section.flow svg [data-node]').first().waitFor({ timeout: 10_000 });
  await page.locator('section.flow svg').nth(FLOWS.length - 1).waitFor({ timeout: 10_000 });
  return page;
}

const inFlow = (page: Page, flow: string, selector: string) => page.locator(`section[aria-label="flow ${flow}"] ${selector}`);

async function sending(url: string, data: string, everyMs: number): Promise<{ client: TestClient; stop(): Promise<void> }> {
  const client = await TestClient.open(url, {}, 5000);
  const timer = setInterval(() => client.send(data), everyMs);
  return {
    client,
    stop: async () => {
      clearInterval(timer);
      await client.close();
    },
  };
}

test('the page draws every node and link of each running flow, and its counters move while a client sends', async (ctx) => {
  const page = await open(ctx);
  for (const file of FLOWS) {
    const model = await loadFlow(path.join(repoRoot, file), { args: { url: 'ws://127.0.0.1:0' } });
    const nodes = await inFlow(page, model.id, '[data-node]').evaluateAll((els) => els.map((e) => e.getAttribute('data-node')));
    assert.equal(nodes, [...model.connectors.map((c) => c.alias), ...model.pipelines.map((p) => p.alias)], file);
    const links = await inFlow(page, model.id, 'path[data-link]').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-from')} -> ${e.getAttribute('data-to')}`));
    assert.equal(links, model.links.map((l) => `${l.from.node}/${l.from.port} -> ${l.to.node}/${l.to.port}`), file);
  }
  await page.locator('#feed', { hasText: 'live' }).waitFor({ timeout: 5000 });
  const rate = inFlow(page, 'echo', 'text.rate[data-link="0"]');
  const reply = inFlow(page, 'echo', 'text.rate[data-link="1"]');
  const status = inFlow(page, 'echo', 'text[data-status="server"]');
  assert.is(await rate.textContent(), '');
  assert.is(await status.textContent(), '0 connections');

  const client = await sending(ctx.echo!, '{"n":1}', 10);
  try {
    await page.waitForFunction((el) => /^[\d.]+k?\/s$/.test(el!.textContent ?? ''), await rate.elementHandle(), { timeout: 10_000 });
    await page.waitForFunction((el) => /^[\d.]+k?\/s$/.test(el!.textContent ?? ''), await reply.elementHandle(), { timeout: 5000 });
    assert.match((await inFlow(page, 'echo', 'path[data-link="0"]').getAttribute('class'))!, /\bis-active\b/);
    assert.is(await status.textContent(), '1 connection');
    // The other flow saw nothing.
    assert.equal(await inFlow(page, 'jsonrpc', 'text.rate').allTextContents(), ['', '']);
    assert.ok(client.client.messages.length > 0, 'the echo answered');
  } finally {
    await client.stop();
  }
  // Once the client has gone, the figures say so.
  await page.waitForFunction((el) => el!.textContent === '', await rate.elementHandle(), { timeout: 10_000 });
  await page.waitForFunction((el) => el!.textContent === '0 connections', await status.elementHandle(), { timeout: 10_000 });
  assert.not.match((await inFlow(page, 'echo', 'path[data-link="0"]').getAttribute('class'))!, /\bis-active\b/);
  assert.equal(ctx.problems, []);
  await page.close();
});

test('a node is chosen with the keyboard; its details show its last error, which the drawing highlights', async (ctx) => {
  const page = await open(ctx);
  const server = inFlow(page, 'echo', '[data-node="server"]');
  // Tab reaches the nodes in the order of the page: the echo server first.
  await page.keyboard.press('Tab');
  assert.is(await page.evaluate('document.activeElement?.getAttribute("data-node")'), 'server');
  await page.keyboard.press('Enter');
  await page.locator('#details').waitFor({ state: 'visible', timeout: 5000 });
  assert.is(await page.locator('#details-title').textContent(), 'server (connector, ws_server)');
  assert.is(await server.getAttribute('aria-pressed'), 'true');
  const lastError = page.locator('#details dt', { hasText: 'Last error' }).locator('xpath=following-sibling::dd[1]');
  assert.is(await lastError.textContent(), 'none');

  const client = await TestClient.open(ctx.echo!, {}, 5000);
  client.send('not json{');
  await page.locator('#details dd.error', { hasText: /^server: invalid JSON/ }).waitFor({ timeout: 10_000 });
  const code = page.locator('#details dt', { hasText: /^Code$/ }).locator('xpath=following-sibling::dd[1]');
  assert.is(await code.textContent(), 'ERR_CODEC_DECODE');
  assert.match((await server.getAttribute('class'))!, /\bhas-error\b/);
  assert.match((await inFlow(page, 'echo', 'text[data-status="server"]').textContent())!, /1 error$/);
  await client.close();

  await page.keyboard.press('Escape');
  await page.locator('#details').waitFor({ state: 'hidden', timeout: 5000 });
  assert.is(await page.evaluate('document.activeElement?.getAttribute("data-node")'), 'server');
  assert.is(await server.getAttribute('aria-pressed'), 'false');
  // A click chooses a node too.
  await inFlow(page, 'jsonrpc', '[data-node="methods"]').click();
  assert.is(await page.locator('#details-title').textContent(), 'methods (pipeline)');
  assert.equal(ctx.problems, []);
  await page.close();
});

/**
 * As many event streams as pages may be open (16), once the pages of the tests before have gone:
 * the server notices a closed page a moment after the browser closes it, so on a busy machine
 * one of them can still hold a place. Until then, all are let go and asked for again.
 */
async function fillPages(base: string): Promise<Response[]> {
  const deadline = performance.now() + 15_000;
  for (;;) {
    const streams = await Promise.all(Array.from({ length: 16 }, () => fetch(`${base}/graph/events`)));
    if (streams.every((r) => r.status === 200) || performance.now() > deadline) return streams;
    await Promise.all(streams.map((r) => r.body?.cancel()));
    await sleep(100);
  }
}

test('a page turned away (too many open) says so, and comes back by itself once there is room', async (ctx) => {
  const others = await fillPages(ctx.base!);
  assert.ok(others.every((r) => r.status === 200));
  const page = await ctx.browser!.newPage();
  await page.goto(`${ctx.base}/`);
  await page.locator('#feed', { hasText: 'lost' }).waitFor({ timeout: 10_000 });
  await Promise.all(others.map((r) => r.body!.cancel()));
  await page.locator('#feed', { hasText: /^live$/ }).waitFor({ timeout: 15_000 });
  await page.locator('section.flow svg [data-node]').first().waitFor({ timeout: 10_000 });
  await page.close();
});

test.run();
