import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import WebSocket from 'ws';
import { startCli, type RunningCli } from '../../support/cli.js';
import { until } from '../../support/sockets.js';
import { TestClient } from '../../support/ws.js';

/** The chat flow in a tremolo process of its own, as users run it. */
async function chat(...options: string[]): Promise<{ cli: RunningCli; url: string }> {
  const cli = startCli(['run', 'flows/chat.json5', '--arg', 'url=ws://127.0.0.1:0', ...options], { timeoutMs: 115_000 });
  const [, url] = await cli.waitForLog(/listening on (ws:\/\/127\.0\.0\.1:\d+)/);
  return { cli, url: url! };
}
const stop = async (cli: RunningCli): Promise<void> => {
  cli.process.kill('SIGTERM');
  await cli.done;
};

/** A client that stops reading once connected: its socket is paused, as a stalled browser's. */
async function nonReader(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
  (ws as unknown as { _socket: Socket })._socket.pause();
  ws.on('error', () => undefined);
  return ws;
}

/**
 * Sends `count` text messages of 64 KiB as fast as the server takes them and `reader` reads them;
 * fails if the server stops taking them. Kept at most 12 messages (768 KiB) ahead of the reader,
 * under the 1 MiB the chat flow lets a connection fall behind for 10 s: on a loaded machine this
 * process may read slower than the server sends, and the reader must stay a good one.
 */
async function flood(sender: TestClient, reader: TestClient, count: number, from = 0): Promise<void> {
  for (let i = from; i < from + count; i++) {
    sender.send(`${String(i).padStart(6, '0')} ${'x'.repeat(64 * 1024 - 7)}`);
    const deadline = performance.now() + 20_000;
    while (sender.ws.bufferedAmount > 1024 * 1024 || i - reader.messages.length >= 12) {
      if (performance.now() > deadline) throw new Error(`the flood is held up: nothing moved for 20 s after message ${i} (the reader has ${reader.messages.length})`);
      await sleep(1);
    }
  }
}
const numbers = (c: TestClient): number[] => c.messages.map((m) => Number(m.data.slice(0, 6)));
const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

test('chat: a client that never reads holds up nobody: the others get every message, it is closed with 1008, and so is one that reconnects and does not read either', async () => {
  const { cli, url } = await chat();
  const [sender, reader] = [await TestClient.open(url), await TestClient.open(url)];
  try {
    for (let round = 0; round < 2; round++) {
      const stalled = await nonReader(url);
      // 25 MiB, more than the 16 MiB one connection may have waiting in the chat flow.
      await flood(sender, reader, 400, round * 400);
      await reader.waitForSteady((round + 1) * 400);
      await until(() => (cli.stderr().match(/closed with 1008/g) ?? []).length > round, () => `the stalled client ${round + 1} to be closed:\n${cli.stderr()}`, 30_000);
      stalled.terminate();
    }
    assert.equal(numbers(reader), range(0, 800), 'the reader got every message, in order');
    assert.match(cli.stderr(), /WARN .*\[chat\/room\] connection 127\.0\.0\.1:\d+ \(over 16777216 bytes waiting\) closed with 1008: it reads too slowly; 1 slow connection closed since start/);
    assert.match(cli.stderr(), /; 2 slow connections closed since start/);
  } finally {
    for (const c of [sender, reader]) c.ws.terminate();
    await stop(cli);
  }
});

test.run();
