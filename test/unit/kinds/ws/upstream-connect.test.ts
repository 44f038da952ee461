import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { connectUpstream } from '../../../../src/kinds/ws/upstream-connect.js';
import { freePort } from '../../../support/ports.js';

// The answer to a handshake whose TCP upstream cannot be connected, decided by the dial's error
// code: a peer that does not answer in time is busy (503, try again), one that refuses is not there (502).
const test = suite<{ deaf?: ChildProcess; port?: number; fill: net.Socket[] }>('upstream connect', { fill: [] });

test.before(async (ctx) => {
  // A listener that never accepts, its queue filled: the kernel drops further SYNs, so a connect hangs.
  ctx.deaf = spawn('python3', ['-c', 'import socket,time\ns=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(0); print(s.getsockname()[1], flush=True); time.sleep(60)'], { stdio: ['ignore', 'pipe', 'inherit'] });
  ctx.port = await new Promise<number>((resolve) => ctx.deaf!.stdout!.once('data', (d) => resolve(Number(String(d).trim()))));
  for (let i = 0; i < 4; i++) ctx.fill.push(net.connect(ctx.port, '127.0.0.1').on('error', () => undefined));
  await new Promise((resolve) => setTimeout(resolve, 200));
});
test.after((ctx) => {
  for (const s of ctx.fill) s.destroy();
  ctx.deaf?.kill();
});

test('an upstream that does not answer within the timeout is busy: 503 with Retry-After', async (ctx) => {
  const answer = await connectUpstream({ tcp: `127.0.0.1:${ctx.port}` }, '/x', 200, new AbortController().signal);
  assert.equal(answer, {
    status: 503,
    reason: 'the upstream is busy; try again',
    detail: `"/x": cannot connect to 127.0.0.1:${ctx.port}: no connection within 200 ms`,
    headers: { 'Retry-After': '1' },
  });
});

test('a TCP upstream that refuses the connection could not be reached: 502', async () => {
  const port = await freePort();
  const answer = await connectUpstream({ tcp: `127.0.0.1:${port}` }, '/x', 2000, new AbortController().signal);
  assert.equal(answer, { status: 502, reason: 'the upstream could not be reached', detail: `"/x": cannot connect to 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}` });
});

test.run();
