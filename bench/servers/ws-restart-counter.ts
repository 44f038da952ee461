/**
 * The server of the reconnect storm. It counts, per client (the request path names it), which
 * numbered messages arrived (`{"id": N}`, as tremolo's metronome writes them), and restarts on
 * command: every connection dropped, the port closed for a while, then listened on again, timing how
 * long until every client it knew is back. Commands are lines on stdin, answers JSON lines on stdout:
 *
 *   wait N TIMEOUT_MS                  → {"connected": n, "ms": t, "ok": bool} once N clients are connected
 *   restart MODE DOWN_MS TIMEOUT_MS    → {"downMs", "reconnectMs", "connected", "expected", "ok"}
 *   stats [settled]                    → {"clients", "received", "minId", "maxId", "missing", "duplicates", "outOfOrder", "malformed"}
 *
 * A graceful restart is a deploy: the port closes, every client gets a close frame (1001), and what
 * they sent before they read it is still received. An abrupt one is a crash: the port closes and
 * every socket is destroyed, so what was in flight is lost whatever the client does (TCP gives no
 * delivery receipt); only the graceful one can hold a client to "nothing lost". `stats settled`
 * leaves the last two ids out, which may still be on their way.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import readline from 'node:readline';
import { WebSocketServer, type WebSocket } from 'ws';

interface Tally {
  seen: Uint8Array;
  received: number;
  duplicates: number;
  outOfOrder: number;
  last: number;
}

const wss = new WebSocketServer({ noServer: true });
const open = new Set<WebSocket>();
const tallies = new Map<string, Tally>();
let server: http.Server | undefined;
let port = 0;
let malformed = 0;

function tally(path: string): Tally {
  let t = tallies.get(path);
  if (t === undefined) tallies.set(path, (t = { seen: new Uint8Array(1024), received: 0, duplicates: 0, outOfOrder: 0, last: -1 }));
  return t;
}

function count(t: Tally, id: number): void {
  if (!Number.isInteger(id) || id < 0) return;
  if (id >= t.seen.length) {
    const grown = new Uint8Array(Math.max(id + 1, t.seen.length * 2));
    grown.set(t.seen);
    t.seen = grown;
  }
  t.received++;
  if (t.seen[id] === 1) t.duplicates++;
  t.seen[id] = 1;
  if (id < t.last) t.outOfOrder++;
  t.last = id;
}

function listen(at: number): Promise<number> {
  const s = http.createServer();
  s.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      const t = tally(req.url ?? '/');
      open.add(ws);
      ws.on('message', (data: Buffer) => {
        try {
          count(t, (JSON.parse(data.toString('utf8')) as { id: number }).id);
        } catch {
          malformed++;
        }
      });
      ws.on('close', () => open.delete(ws));
      ws.on('error', () => ws.terminate());
    });
  });
  server = s;
  // A backlog above the storm's size: what is measured is the clients' retrying, not SYN drops.
  return new Promise((resolve, reject) => {
    s.once('error', reject);
    s.listen({ host: '127.0.0.1', port: at, backlog: 4096 }, () => resolve((s.address() as AddressInfo).port));
  });
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitConnected(n: number, timeoutMs: number): Promise<{ connected: number; ms: number; ok: boolean }> {
  const start = performance.now();
  while (open.size < n && performance.now() - start < timeoutMs) await sleep(2);
  return { connected: open.size, ms: performance.now() - start, ok: open.size >= n };
}

async function restart(mode: string, downMs: number, timeoutMs: number): Promise<Record<string, unknown>> {
  const expected = tallies.size;
  const stopped = performance.now();
  const closed = new Promise<void>((resolve) => server!.close(() => resolve()));
  if (mode === 'abrupt') for (const ws of open) ws.terminate();
  else {
    const closing = [...open].map((ws) => new Promise<void>((resolve) => ws.once('close', () => resolve())));
    for (const ws of open) ws.close(1001, 'restarting');
    // A client that does not finish the closing handshake in time is cut off.
    const cut = setTimeout(() => {
      for (const ws of open) ws.terminate();
    }, 2000);
    await Promise.all(closing);
    clearTimeout(cut);
  }
  await closed;
  await sleep(Math.max(0, downMs - (performance.now() - stopped)));
  await listen(port);
  const back = await waitConnected(expected, timeoutMs);
  return { downMs: performance.now() - stopped - back.ms, reconnectMs: back.ms, connected: back.connected, expected, ok: back.ok };
}

function stats(settled: boolean): Record<string, unknown> {
  let minId = Infinity;
  let maxId = -1;
  for (const t of tallies.values())
    for (let i = 0; i < t.seen.length; i++)
      if (t.seen[i] === 1) {
        minId = Math.min(minId, i);
        maxId = Math.max(maxId, i);
      }
  if (settled) maxId -= 2;
  let received = 0;
  let missing = 0;
  let duplicates = 0;
  let outOfOrder = 0;
  let clientsMissing = 0;
  const missingIds = new Map<number, number>();
  // Every client should hold every id the flow sent: from the lowest any client saw to the highest.
  for (const t of tallies.values()) {
    received += t.received;
    duplicates += t.duplicates;
    outOfOrder += t.outOfOrder;
    let mine = 0;
    for (let i = minId; i <= maxId; i++)
      if (t.seen[i] !== 1) {
        mine++;
        missingIds.set(i, (missingIds.get(i) ?? 0) + 1);
      }
    missing += mine;
    if (mine > 0) clientsMissing++;
  }
  // Which ids went missing, and on how many clients: one tick lost everywhere is not many lost here and there.
  const worst = [...missingIds].sort((x, y) => y[1] - x[1]).slice(0, 5);
  return { clients: tallies.size, open: open.size, received, minId, maxId, missing, clientsMissing, duplicates, outOfOrder, malformed, missingIds: Object.fromEntries(worst) };
}

port = await listen(0);
process.stdout.write(`${port}\n`);
const exit = (): never => process.exit(0);
process.on('SIGTERM', exit);
process.on('SIGINT', exit);
const lines = readline.createInterface({ input: process.stdin });
lines.on('close', exit);
lines.on('line', (line) => {
  const [command, a = '', b = '0', c = '10000'] = line.trim().split(/\s+/);
  const reply = (value: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(value)}\n`);
  if (command === 'wait') void waitConnected(Number(a), Number(b)).then(reply);
  else if (command === 'restart') void restart(a, Number(b), Number(c)).then(reply);
  else if (command === 'stats') reply(stats(a === 'settled'));
  else reply({ error: `unknown command ${JSON.stringify(line)}` });
});
