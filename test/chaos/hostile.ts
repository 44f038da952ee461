import WebSocket from 'ws';
import { closeCodeAfterUpgrade, frame, raw } from '../support/raw.js';
import { upgradeRequest } from '../support/ws-handshake.js';
import type { Scenario } from './scenario.js';
import { startEchoServer } from './server-process.js';

/** An upgrade, then a frame: the WebSocket close code the server answers with (0 when none). */
async function afterUpgrade(port: number, bytes: Buffer): Promise<number> {
  const { reply } = await raw(port, Buffer.concat([Buffer.from(upgradeRequest('/', '', `127.0.0.1:${port}`)), bytes]));
  return closeCodeAfterUpgrade(reply);
}

async function echoes(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => {
      ws.terminate();
      resolve(false);
    }, 5000);
    ws.on('open', () => ws.send('still here?'));
    ws.on('message', (m) => {
      clearTimeout(timer);
      ws.close();
      resolve(m.toString() === 'still here?');
    });
    ws.on('error', () => resolve(false));
  });
}

/**
 * Malformed HTTP, random bytes, frames over the size limit, invalid UTF-8 in a text frame, an
 * unmasked client frame and a slowloris handshake, each on its own connection: the server answers
 * or closes each one, a normal client is served after each, the server never dies, and it logs one
 * line per incident.
 */
export const hostile: Scenario = {
  name: 'hostile input on the port',
  async run() {
    const server = await startEchoServer({ max_message_size: 1024, handshake_timeout_ms: 500 });
    const port = Number(new URL(server.url).port);
    const problems: string[] = [];
    const attacks: [string, () => Promise<string | undefined>][] = [
      ['malformed upgrade request', async () => {
        const r = await raw(port, 'GET / HTTP/1.1\r\nHost x\r\n\r\n');
        return r.reply.startsWith('HTTP/1.1 400') ? undefined : `answered ${JSON.stringify(r.reply.slice(0, 30))}`;
      }],
      ['random bytes', async () => {
        const r = await raw(port, Buffer.from(Array.from({ length: 4096 }, () => Math.floor(Math.random() * 256))));
        return r.reply === '' || r.reply.startsWith('HTTP/1.1 400') ? undefined : `answered ${JSON.stringify(r.reply.slice(0, 30))}`;
      }],
      ['frame over max_message_size', async () => {
        const code = await afterUpgrade(port, frame(1, Buffer.alloc(4000, 97)));
        return code === 1009 ? undefined : `closed with ${code}, expected 1009`;
      }],
      ['invalid UTF-8 in a text frame', async () => {
        const code = await afterUpgrade(port, frame(1, Buffer.from([0xff, 0xfe, 0xfd])));
        return code === 1007 ? undefined : `closed with ${code}, expected 1007`;
      }],
      ['unmasked client frame', async () => {
        const code = await afterUpgrade(port, frame(1, Buffer.from('hi'), { masked: false }));
        return code === 1002 ? undefined : `closed with ${code}, expected 1002`;
      }],
      ['slowloris handshake', async () => {
        const started = performance.now();
        const r = await raw(port, 'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n', { keepOpenMs: 8000 });
        const ms = performance.now() - started;
        return ms < 5000 ? undefined : `held for ${ms.toFixed(0)} ms (handshake_timeout_ms is 500)${r.closedByServer ? '' : ', not closed by the server'}`;
      }],
    ];
    try {
      const before = server.cli.stderr().split('\n').length;
      for (const [name, attack] of attacks) {
        const failure = await attack();
        if (failure !== undefined) problems.push(`${name}: ${failure}`);
        if (!server.alive()) {
          problems.push(`${name}: the server died`);
          break;
        }
        if (!(await echoes(server.url))) problems.push(`after ${name}: a normal client was not served`);
      }
      const lines = server.cli.stderr().split('\n').length - before;
      if (lines < 4) problems.push(`only ${lines} log lines for ${attacks.length} incidents`);
      return {
        load: `1 server, a normal client after each attack (${lines} log lines)`,
        faults: `${attacks.length} kinds of hostile input`,
        sent: attacks.length,
        delivered: attacks.length - problems.length,
        reported: 0,
        problems,
      };
    } finally {
      await server.stop();
    }
  },
};
