import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { WebSocketServer } from 'ws';
import { startFlow, type TestFlow } from '../../../src/app/testing/index.js';
import { createLogger, memoryLogger } from '../../../src/sdk/logger.js';
import { Runtime } from '../../../src/app/runtime.js';
import { freePort } from '../../support/ports.js';
import { PeerServer } from '../../support/ws-server.js';
import { tmpDir } from '../../support/tmp.js';

// When a flow has finished on its own (quiescence.ts), what ends on the way, and how a run ends.
const tmp = tmpDir();
test.after(() => tmp.cleanup());

/** What a promise has come to within `ms`: its value, or 'pending'. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'pending'> {
  let timer: NodeJS.Timeout | undefined;
  const pending = new Promise<'pending'>((resolve) => (timer = setTimeout(() => resolve('pending'), ms)));
  try {
    return await Promise.race([promise, pending]);
  } finally {
    clearTimeout(timer);
  }
}

async function withFlow(source: object, body: (flow: TestFlow) => Promise<void>): Promise<void> {
  const flow = await startFlow(source, { file: `${tmp.dir}/inline.json5` });
  try {
    await body(flow);
  } finally {
    await flow.stop();
  }
}

const readFile = (name: string, lines: string): object => ({
  type: 'file',
  codec: 'json',
  preprocessors: ['separate'],
  config: { path: tmp.write(name, lines), mode: 'read' },
});
const writeFile = (name: string): object => ({ type: 'file', codec: 'json', postprocessors: ['separate'], config: { path: `${tmp.dir}/${name}`, mode: 'truncate' } });

test('a flow whose one source, a file, is read to its end has finished, with every event handed to its sink', async () => {
  await withFlow({ connectors: { in: readFile('a.json', '{"n":1}\n{"n":2}\n{"n":3}\n'), out: writeFile('a.log') }, links: [['in', 'out']] }, async (flow) => {
    assert.equal(await within(flow.flow.finished, 5000), { gaveUp: false, sources: ['in'] });
    assert.equal(flow.flow.status().connectors.find((c) => c.alias === 'in')!.state, 'finished');
    await flow.stop();
    assert.is(readFileSync(`${tmp.dir}/a.log`, 'utf8'), '{"n":1}\n{"n":2}\n{"n":3}\n');
  });
});

test('a batch on the way hands over what it holds once its source has finished, before the stop', async () => {
  const flow = { connectors: { in: readFile('b.json', '{"n":1}\n{"n":2}\n') }, pipelines: { p: { operators: [{ op: 'batch', config: { count: 10 } }] } }, links: [['in', 'p']] };
  await withFlow(flow, async (f) => {
    // Two of ten: the partial batch comes out because its input completed, the flow still running.
    const [batch] = await f.collect('p', 'out', 1, { timeout: 5000 });
    assert.equal(batch!.data, [{ n: 1 }, { n: 2 }]);
    assert.is(f.flow.state, 'running');
  });
});

test('a server keeps its flow running after the other sources have finished', async () => {
  const flow = {
    connectors: { in: readFile('c.json', '{"n":1}\n'), out: writeFile('c.log'), server: { type: 'ws_server', codec: 'json', config: { url: 'ws://127.0.0.1:0' } } },
    links: [['in', 'out'], ['server', 'server']],
  };
  await withFlow(flow, async (f) => {
    await f.next('out', 'in', { timeout: 5000 });
    assert.is(await within(f.flow.finished, 300), 'pending');
  });
});

test('a connector with only its err port linked is no source: a flow of it and a finished file has finished', async () => {
  const flow = { connectors: { in: readFile('d.json', '{"n":1}\n'), out: writeFile('d.log'), exit: { type: 'exit' } }, links: [['in', 'out'], ['exit/err', 'out']] };
  await withFlow(flow, async (f) => {
    assert.equal(await within(f.flow.finished, 5000), { gaveUp: false, sources: ['in'] });
  });
});

test('an exit asked for with a delay wins over a finish meanwhile: the run ends with its code', async () => {
  const file = tmp.write(
    'exit-later.json5',
    `{ connectors: { in: ${JSON.stringify(readFile('e.json', '{"exit":3,"delay":200}\n{"n":1}\n'))}, exit: { type: 'exit' } }, links: [['in', 'exit']] }`,
  );
  const runtime = await Runtime.start([file], { log: createLogger('error') });
  try {
    const started = performance.now();
    assert.equal(await within(runtime.ended, 5000), { status: 3, reason: 'an exit connector asked for code 3', exit: true });
    assert.ok(performance.now() - started >= 190, 'after the delay');
    assert.is(await within(runtime.flows[0]!.finished, 50), 'pending');
  } finally {
    await runtime.stop();
  }
});

test('a client holding events for a server still to come keeps the flow from finishing until they have gone out', async () => {
  const port = await freePort();
  const flow = {
    connectors: {
      in: readFile('late.json', '{"n":1}\n{"n":2}\n'),
      client: { type: 'ws_client', codec: 'json', config: { url: `ws://127.0.0.1:${port}` }, reconnect: { retry: { interval_ms: 50, growth_rate: 1, randomized: false } } },
    },
    links: [['in', 'client']],
  };
  let peer: PeerServer | undefined;
  try {
    await withFlow(flow, async (f) => {
      // The file is read at once; its two events wait in the client's queue.
      assert.is(await within(f.flow.finished, 400), 'pending');
      assert.is(f.flow.connector('client').queued, 2);
      peer = await PeerServer.start(port);
      assert.equal(await within(f.flow.finished, 5000), { gaveUp: false, sources: ['in'] });
      assert.equal(await peer.waitReceived(2), ['{"n":1}', '{"n":2}']);
    });
  } finally {
    await peer?.stop();
  }
});

test('a client that gave up ends the run with status 69, the reason, and its source that fed only it counted as finished', async () => {
  const port = await freePort();
  const file = tmp.write(
    'gave-up.json5',
    `{ connectors: {
        tick: { type: 'metronome', config: { interval_ms: 10 } },
        client: { type: 'ws_client', codec: 'json', config: { url: 'ws://127.0.0.1:${port}' },
                  reconnect: { retry: { interval_ms: 20, growth_rate: 1, max_retries: 2, randomized: false } } },
      },
      links: [['tick', 'client']] }`,
  );
  const runtime = await Runtime.start([file], { log: createLogger('error') });
  try {
    const end = await within(runtime.ended, 5000);
    assert.ok(end !== 'pending');
    assert.is(end.status, 69);
    assert.is(end.exit, false);
    assert.match(end.reason, /^client: connect attempt 2 failed \(.*ECONNREFUSED.*\); max retries exceeded \(2\), staying disconnected$/);
    const finish = await runtime.flows[0]!.finished;
    assert.equal(finish.sources, ['tick, which feeds only client']);
  } finally {
    await runtime.stop();
  }
});

test('a client whose input has ended closes with 1000 once the replies have stopped, delivers them, and finishes', async () => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => wss.once('listening', resolve));
  const closes: number[] = [];
  wss.on('connection', (ws) => {
    ws.on('message', (data) => ws.send(JSON.stringify({ echo: JSON.parse(data.toString()) })));
    ws.on('close', (code) => closes.push(code));
  });
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  const flow = {
    connectors: { in: readFile('f.json', '{"n":1}\n{"n":2}\n'), client: { type: 'ws_client', codec: 'json', config: { url } }, out: writeFile('f.log') },
    links: [['in', 'client'], ['client', 'out']],
  };
  try {
    await withFlow(flow, async (f) => {
      assert.equal(await within(f.flow.finished, 5000), { gaveUp: false, sources: ['in', 'client'] });
      assert.equal((await f.collect('out', 'in', 2)).map((e) => e.data), [{ echo: { n: 1 } }, { echo: { n: 2 } }]);
      assert.equal(closes, [1000]);
      assert.is(f.flow.connector('client').connectivity, 'stopped');
    });
  } finally {
    await new Promise((resolve) => wss.close(resolve));
  }
});

/** A WebSocket server that answers the handshake and then reads nothing: a close frame is never answered. */
async function deafServer(): Promise<Server> {
  const server = createServer((socket) => {
    socket.once('data', (request) => {
      const key = /sec-websocket-key: *(\S+)/i.exec(request.toString())![1]!;
      const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      socket.pause();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

test('a close the server never answers is dropped after close_timeout_ms, and the client finishes all the same', async () => {
  const server = await deafServer();
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const log = memoryLogger('info');
  const started = performance.now();
  const flow = await startFlow(
    {
      connectors: { in: readFile('g.json', '{"n":1}\n'), client: { type: 'ws_client', codec: 'json', config: { url, linger_ms: 0, close_timeout_ms: 300 } }, out: writeFile('g.log') },
      links: [['in', 'client'], ['client', 'out']],
    },
    { file: `${tmp.dir}/inline.json5`, log },
  );
  try {
    // Not ws's own 30 s wait for the answer: close_timeout_ms.
    assert.equal(await within(flow.flow.finished, 5000), { gaveUp: false, sources: ['in', 'client'] });
    const elapsed = performance.now() - started;
    assert.ok(elapsed >= 300, `finished ${elapsed.toFixed(0)} ms after the start`);
    assert.ok(
      log.lines.some((l) => l.endsWith('INFO  [inline/client] no answer to the close frame within 300 ms (close_timeout_ms); connection dropped')),
      log.lines.join('\n'),
    );
  } finally {
    await flow.stop();
    server.close();
  }
});

test('while replies keep coming the client does not close: each one starts linger_ms again', async () => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => wss.once('listening', resolve));
  const closedAt: number[] = [];
  let lastSentAt = 0;
  wss.on('connection', (ws) => {
    // Three answers to the one message, 150 ms apart: each within linger_ms of the one before.
    const answer = (i: number): void => {
      if (ws.readyState !== ws.OPEN) return;
      ws.send(String(i));
      lastSentAt = performance.now();
    };
    ws.on('message', () => [150, 300, 450].forEach((ms, i) => setTimeout(() => answer(i), ms)));
    ws.on('close', () => closedAt.push(performance.now()));
  });
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  const flow = {
    connectors: { in: readFile('k.json', '"go"\n'), client: { type: 'ws_client', codec: 'json', config: { url, linger_ms: 250 } }, out: writeFile('k.log') },
    links: [['in', 'client'], ['client', 'out']],
  };
  try {
    await withFlow(flow, async (f) => {
      assert.equal(await within(f.flow.finished, 5000), { gaveUp: false, sources: ['in', 'client'] });
      assert.equal((await f.collect('out', 'in', 3)).map((e) => e.data), [0, 1, 2]);
      assert.is(closedAt.length, 1);
      const quiet = closedAt[0]! - lastSentAt;
      assert.ok(quiet >= 240, `closed ${quiet.toFixed(0)} ms after the last answer, not before linger_ms`);
    });
  } finally {
    await new Promise((resolve) => wss.close(resolve));
  }
});

test('with max_messages the end of the input does not close: the client waits for the reply, then closes and finishes', async () => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => wss.once('listening', resolve));
  wss.on('connection', (ws) => ws.on('message', (data) => setTimeout(() => ws.send(data.toString()), 200)));
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  const flow = {
    connectors: { in: readFile('h.json', '{"n":1}\n'), client: { type: 'ws_client', codec: 'json', config: { url, max_messages: 1 } }, out: writeFile('h.log') },
    links: [['in', 'client'], ['client', 'out']],
  };
  try {
    await withFlow(flow, async (f) => {
      assert.equal(await within(f.flow.finished, 5000), { gaveUp: false, sources: ['in', 'client'] });
      assert.equal((await f.collect('out', 'in', 1)).map((e) => e.data), [{ n: 1 }]);
    });
  } finally {
    await new Promise((resolve) => wss.close(resolve));
  }
});

test.run();
