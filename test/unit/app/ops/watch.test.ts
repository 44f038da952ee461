import { writeFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startCli } from '../../../support/cli.js';
import { tmpDir } from '../../../support/tmp.js';
import { TestClient } from '../../../support/ws.js';

const tmp = tmpDir();
test.after(() => tmp.cleanup());

const flow = (suffix: string): string => `{
  connectors: { server: { type: 'ws_server', codec: 'string', config: { url: 'ws://127.0.0.1:0' } } },
  pipelines: { shout: { operators: [{ op: 'map', config: { event: 'event + "${suffix}"' } }] } },
  links: [['server', 'shout'], ['shout', 'server']],
}
`;

test('--watch swaps in a valid edit with the client still connected, and keeps running through an invalid one', async () => {
  const file = tmp.write('flow.json5', flow(''));
  const cli = startCli(['run', file, '--watch'], { cwd: tmp.dir, timeoutMs: 60_000 });
  try {
    const [, url] = await cli.waitForLog(/listening on (ws:\/\/127\.0\.0\.1:\d+)/);
    await cli.waitForLog(/watching 1 files for changes/);
    const client = await TestClient.open(url!);
    client.send('a');
    assert.equal(await client.waitFor(1), ['a']);

    writeFileSync(file, flow('!'));
    await cli.waitForLog(/reconfigured: 1 connectors kept \(server\), 0 started \(none\), 1 pipelines rebuilt/, 10_000);
    client.send('b');
    assert.equal(await client.waitFor(2), ['a', 'b!']);

    writeFileSync(file, flow('?').replace("op: 'map'", "op: 'mapp'"));
    await cli.waitForLog(/the change does not load; the running flow stays:\n.*flow\.json5:3:43: pipelines\.shout\.operators\[0\]\.op: unknown operator "mapp"/, 10_000);
    client.send('c');
    assert.equal(await client.waitFor(3), ['a', 'b!', 'c!']);
    assert.is(client.closed, undefined, 'the client stayed connected throughout');
    await client.close();
  } finally {
    cli.process.kill('SIGTERM');
    await cli.done;
  }
});

test.run();
