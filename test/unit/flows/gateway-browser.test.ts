import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow } from '../../../src/app/testing/index.js';
import { launchChromium } from '../../support/browser.js';
import { repoRoot } from '../../support/cli.js';
import { tmpDir } from '../../support/tmp.js';
import { socatEcho } from '../../support/unix-servers.js';

interface Outcome {
  opened: boolean;
  protocol?: string;
  echoed?: string;
}

test('a real browser: its subprotocol names the socket and is answered; a list of them, or an encoded slash, is refused', async () => {
  const tmp = tmpDir('tremolo-gw-browser-');
  let socat: ChildProcess | undefined;
  const flow = await startFlow(path.join(repoRoot, 'flows/gateway.json5'), { args: { url: 'ws://127.0.0.1:0', docroot: tmp.dir } });
  const browser = await launchChromium();
  try {
    socat = await socatEcho(path.join(tmp.dir, 'echo'));
    const page = await browser.newPage();
    const base = flow.address('gateway');
    // Each WebSocket as a page opens it: whether it opened, the subprotocol the server chose, and
    // what came back from a message sent once open.
    const attempt = (url: string, protocols: string[]): Promise<Outcome> =>
      page.evaluate(
        ([url, protocols]) =>
          new Promise<Outcome>((resolve) => {
            const ws = new WebSocket(url as string, protocols as string[]);
            const timer = setTimeout(() => resolve({ opened: ws.readyState === WebSocket.OPEN }), 3000);
            ws.onopen = () => ws.send('from the page');
            ws.onmessage = (m) => {
              clearTimeout(timer);
              resolve({ opened: true, protocol: ws.protocol, echoed: String(m.data) });
              ws.close();
            };
            ws.onclose = () => {
              clearTimeout(timer);
              resolve({ opened: false });
            };
          }),
        [url, protocols] as const,
      );
    assert.equal(await attempt(`${base}/`, ['echo']), { opened: true, protocol: 'echo', echoed: 'from the page' });
    assert.equal(await attempt(`${base}/echo`, ['foo', 'bar']), { opened: true, protocol: 'foo', echoed: 'from the page' });
    assert.equal(await attempt(`${base}/`, ['foo', 'echo']), { opened: false });
    // The browser removes dot segments itself; an encoded slash it sends as it is, and is refused.
    assert.equal(await attempt(`${base}/sub/../echo`, []), { opened: true, protocol: '', echoed: 'from the page' });
    assert.equal(await attempt(`${base}/sub/..%2fecho`, []), { opened: false });
  } finally {
    await browser.close();
    await flow.stop();
    socat?.kill();
    tmp.cleanup();
  }
});

test.run();
