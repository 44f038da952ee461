import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import { OutboundBudget, type Buffered } from '../../../../src/sdk/io/outbound-budget.js';
import { startCli } from '../../../support/cli.js';
import { memory, mib } from '../../../support/memory.js';
import { until } from '../../../support/sockets.js';
import { tmpDir } from '../../../support/tmp.js';
import { TestClient } from '../../../support/ws.js';

const tmp = tmpDir();
test.after(() => tmp.cleanup());

/** A connection as the budget sees it: bytes waiting, and whether it may be closed. */
function member(name: string, bytes: number, log: string[], evictable = true): Buffered & { bytes: number } {
  return {
    name,
    bytes,
    counted: 0,
    waiting() {
      return this.bytes;
    },
    evictable: () => evictable,
    evict(why) {
      this.bytes = 0;
      log.push(`evict ${name}: ${why}`);
    },
    stuck: (why) => log.push(`stuck: ${why}`),
  } as Buffered & { bytes: number };
}

test('past the cap the connections with the most bytes waiting are closed first, down to 90 % of the cap; relays never', async () => {
  const log: string[] = [];
  const budget = new OutboundBudget(1000);
  const [a, b, relay, c] = [member('a', 300, log), member('b', 500, log), member('relay', 600, log, false), member('c', 100, log)];
  budget.count(a, 300);
  budget.count(relay, 600);
  assert.is(budget.total, 900);
  assert.equal(log, []);
  budget.count(b, 500); // 1400: b (500) goes, 900 is at 90 %
  assert.equal(log, ['evict b: the process has over 1000 bytes waiting to be sent (--max-buffered-bytes)']);
  assert.is(budget.total, 900);
  assert.is(budget.evicted, 1);
  await sleep(15); // past the recount interval: what is waiting is counted anew
  c.bytes = 150;
  budget.count(c, 150); // 1050: a (300) goes; the relay has more but is never closed
  assert.equal(log.at(-1), 'evict a: the process has over 1000 bytes waiting to be sent (--max-buffered-bytes)');
  assert.is(budget.total, 750);
  assert.is(budget.size, 2);
});

test('what drained without a send is recounted before anything is closed', async () => {
  const log: string[] = [];
  const budget = new OutboundBudget(1000);
  const [a, b] = [member('a', 800, log), member('b', 100, log)];
  budget.count(a, 800);
  a.bytes = 0; // its socket drained; nothing was sent to it since
  await sleep(15);
  b.bytes = 300;
  budget.count(b, 300); // 1100 as counted, 300 in fact
  assert.equal(log, []);
  assert.is(budget.total, 300);
  assert.is(budget.size, 1);
});

test('over the cap with only relays waiting: one report a second, nothing closed', async () => {
  const log: string[] = [];
  const budget = new OutboundBudget(100);
  const relay = member('relay', 0, log, false);
  for (let bytes = 200; bytes < 260; bytes += 20) {
    relay.bytes = bytes;
    budget.count(relay, bytes);
    await sleep(15);
  }
  assert.equal(log, ['stuck: the process has over 100 bytes waiting to be sent (--max-buffered-bytes), and the connections that have bytes waiting hold their sources (200 bytes waiting on 1 connections)']);
  budget.leave(relay);
  assert.is(budget.total, 0);
  assert.is(budget.size, 0);
});

test('24 MiB broadcast to 100 clients that do not read, framed per connection: tremolo closes the slowest at --max-buffered-bytes and grows by under 256 MiB, and a client that reads gets everything', async () => {
  // `separate` makes each connection its own copy of every frame: without a process-wide cap each
  // of the 100 could hold its 16 MiB, 1.6 GiB in all.
  const flow = tmp.write(
    'room.json5',
    `{
      args: { url: 'ws://127.0.0.1:0' },
      connectors: { room: { type: 'ws_server', codec: 'string', postprocessors: ['separate'], config: { url: '\${args.url}' } } },
      pipelines: { fanout: { operators: [{ op: 'set', config: { values: { '$.ws_server.broadcast': '"others"' } } }] } },
      links: [['room', 'fanout'], ['fanout', 'room']],
    }`,
  );
  const cap = 64 * 1024 * 1024;
  const cli = startCli(['run', flow, '--max-buffered-bytes', String(cap)], { timeoutMs: 90_000 });
  const stalled: WebSocket[] = [];
  let sender: TestClient | undefined;
  let reader: TestClient | undefined;
  try {
    const [, url] = await cli.waitForLog(/listening on (ws:\/\/127\.0\.0\.1:\d+)/);
    [sender, reader] = [await TestClient.open(url!), await TestClient.open(url!)];
    for (let i = 0; i < 100; i++) {
      const ws = new WebSocket(url!);
      ws.on('error', () => undefined);
      await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
      (ws as unknown as { _socket: Socket })._socket.pause();
      stalled.push(ws);
    }
    const pid = cli.process.pid!;
    const before = memory(pid).rss;
    for (let i = 0; i < 384; i++) {
      sender.send(`${String(i).padStart(6, '0')} ${'x'.repeat(64 * 1024 - 8)}`);
      while (sender.ws.bufferedAmount > 1024 * 1024) await sleep(1);
    }
    await reader.waitFor(384, 60_000);
    assert.equal(
      reader.messages.map((m) => Number(m.data.slice(0, 6))),
      Array.from({ length: 384 }, (_, i) => i),
    );
    // Uncapped, the 100 could hold 1.6 GiB. The bound is 4 times the cap: the process's own churn
    // (frames copied per connection, collected later) comes on top of the bytes it holds. The bundled
    // command starts about 12 MiB smaller than one loading 600 modules did, with the same peak.
    const growth = memory(pid).peak - before;
    assert.ok(growth < 256 * 1024 * 1024, `tremolo grew by ${mib(growth)} with a cap of ${mib(cap)}`);
    const closedSoFar = (): number => Math.max(0, ...[...cli.stderr().matchAll(/(\d+) slow connections? closed since start/g)].map((m) => Number(m[1])));
    await until(() => closedSoFar() === 100, () => `every stalled connection closed (${closedSoFar()}):\n${cli.stderr()}`, 10_000);
    assert.match(cli.stderr(), /\(the process has over 67108864 bytes waiting to be sent \(--max-buffered-bytes\)\) closed with 1008/);
    // Aggregated: a line a second at most, not one per connection.
    const lines = cli.stderr().split('\n').filter((l) => l.includes('closed with 1008'));
    assert.ok(lines.length <= 15, `${lines.length} log lines for 100 closed connections`);
  } finally {
    for (const ws of stalled) ws.terminate();
    await Promise.all([sender?.close(), reader?.close()]);
    cli.process.kill('SIGTERM');
    await cli.done;
  }
});

test.run();
