import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makeCertificate } from '../../support/certs.js';
import { repoRoot, runCli } from '../../support/cli.js';
import { freePort } from '../../support/ports.js';
import { startFlow } from '../../../src/app/testing/index.js';
import { TestClient } from '../../support/ws.js';
import { tmpDir } from '../../support/tmp.js';

const tmp = tmpDir();
test.after(() => tmp.cleanup());

test("the seed's secure echo runs end to end: file → wss client → wss server → file, echoes back, exits on \"exit\"", async () => {
  mkdirSync(path.join(tmp.dir, 'before'));
  makeCertificate(path.join(tmp.dir, 'before'));
  tmp.write('in.json', '["snot","badger"]\n["fleek","flook"]\n{"": null, "NaN": 42.0}\n"exit"\n');
  const port = await freePort();
  const result = await runCli(['run', path.join(repoRoot, 'flows/ws-echo-tls.json5'), '--arg', `url=wss://127.0.0.1:${port}`], {
    cwd: tmp.dir,
    timeoutMs: 15_000,
  });
  assert.is(result.code, 0, result.stderr);
  assert.is(readFileSync(path.join(tmp.dir, 'out.log'), 'utf8'), '["snot","badger"]\n["fleek","flook"]\n{"":null,"NaN":42.0}\n');
  // The echoes came back over the same secure connection, to the console.
  assert.equal(result.stdout.split('\n').filter(Boolean), ['["snot","badger"]', '["fleek","flook"]', '{"":null,"NaN":42.0}']);
  assert.match(result.stderr, new RegExp(`listening on wss://127\\.0\\.0\\.1:${port}`));
  assert.match(result.stderr, /exit 0 requested, in 100 ms/);
});

test('a client that does not trust the certificate fails its TLS handshake and the server keeps accepting', async () => {
  const { cert } = makeCertificate(tmp.dir, 'other');
  const dir2 = path.join(tmp.dir, 'trusted');
  mkdirSync(dir2);
  const trusted = makeCertificate(dir2);
  const flow = await startFlow({
    connectors: {
      server: { type: 'ws_server', codec: 'string', config: { url: 'wss://127.0.0.1:0', tls: { cert: trusted.cert, key: trusted.key } } },
    },
    // A connector may feed itself: an echo without a pipeline.
    links: [['server', 'server']],
  });
  try {
    const url = flow.address('server');
    // A client trusting another CA: its handshake fails.
    const refused = await TestClient.open(url, { ca: readFileSync(cert), servername: 'localhost' }).then(
      () => 'connected',
      (err: Error) => err.message,
    );
    assert.match(refused, /self-signed certificate|unable to verify|certificate/);
    // A client trusting the right one still gets in, and its echo back is routed to it.
    const good = await TestClient.open(url, { ca: readFileSync(trusted.cert), servername: 'localhost' });
    good.send('over tls');
    assert.equal(await good.waitFor(1), ['over tls']);
    const event = await flow.next('server', 'out');
    assert.is((event.meta.ws_server as { tls: boolean }).tls, true);
    await good.close();
  } finally {
    await flow.stop();
  }
});

test.run();
