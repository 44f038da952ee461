import net from 'node:net';
import WebSocket from 'ws';
import type { Scenario } from './scenario.js';
import { startEchoServer } from './server-process.js';

/** Sends raw bytes on a fresh TCP connection; resolves with what came back before the server closed it. */
function raw(port: number, bytes: Buffer | string, keepOpenMs = 0): Promise<{ reply: string; closedByServer: boolean }> {
  return new Promise((resolve) => {
    let reply = '';
    let byServer = false;
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(bytes);
      if (keepOpenMs === 0) return;
      setTimeout(() => socket.destroy(), keepOpenMs);
    });
    socket.on('data', (d) => (reply += d.toString('latin1')));
    socket.on('end', () => (byServer = true));
    socket.on('close', () => resolve({ reply, closedByServer: byServer }));
    socket.on('error', () => undefined);
    socket.setTimeout(10_000, () => socket.destroy());
  });
}

const upgrade = (port: number): string =>
  `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`;

/** A WebSocket frame as a client would write it, `masked` or (illegally) not. */
function frame(opcode: number, payload: Buffer, masked = true): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, (masked ? 0x80 : 0) | len]) : Buffer.from([0x80 | opcode, (masked ? 0x80 : 0) | 126, len >> 8, len & 255]);
  if (!masked) return Buffer.concat([head, payload]);
  const mask = Buffer.from([1, 2, 3, 4]);
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([head, mask, body]);
}

/** An upgrade, then a frame: the WebSocket close code the server answers with (0 when none). */
async function afterUpgrade(port: number, bytes: Buffer): Promise<number> {
  const { reply } = await raw(port, Buffer.concat([Buffer.from(upgrade(port)), bytes]));
  const at = reply.indexOf('\r\n\r\n');
  const rest = Buffer.from(reply.slice(at + 4), 'latin1');
  return rest.length >= 4 && (rest[0]! & 0x0f) === 8 ? rest.readUInt16BE(2) : 0;
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
        const code = await afterUpgrade(port, frame(1, Buffer.from('hi'), false));
        return code === 1002 ? undefined : `closed with ${code}, expected 1002`;
      }],
      ['slowloris handshake', async () => {
        const started = performance.now();
        const r = await raw(port, 'GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n', 8000);
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
