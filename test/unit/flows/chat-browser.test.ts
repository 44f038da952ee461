import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow } from '../../../src/app/testing/index.js';
import { launchChromium } from '../../support/browser.js';
import { repoRoot } from '../../support/cli.js';

test('two people on the chat page in a real browser: what one types, the other sees', async () => {
  const flow = await startFlow(path.join(repoRoot, 'flows/chat.json5'), { args: { url: 'ws://127.0.0.1:0' } });
  const browser = await launchChromium();
  try {
    const page = flow.address('room').replace('ws://', 'http://') + '/';
    const [alice, bob] = [await browser.newPage(), await browser.newPage()];
    await Promise.all([alice.goto(page), bob.goto(page)]);
    await Promise.all([alice.locator('#status').filter({ hasText: 'connected' }).waitFor({ timeout: 5000 }), bob.locator('#status').filter({ hasText: 'connected' }).waitFor({ timeout: 5000 })]);
    await alice.fill('#text', 'hello from alice');
    await alice.click('#send');
    await bob.locator('#messages li', { hasText: 'hello from alice' }).waitFor({ timeout: 5000 });
    assert.equal(await bob.locator('#messages li').allTextContents(), ['hello from alice']);
    // Her own line shows on her side as hers, and the server did not echo it back.
    assert.equal(await alice.locator('#messages li.mine').allTextContents(), ['hello from alice']);
    assert.is(await alice.locator('#messages li:not(.mine)').count(), 0);
  } finally {
    await browser.close();
    await flow.stop();
  }
});

test.run();
