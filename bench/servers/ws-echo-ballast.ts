/**
 * The bare `ws` echo of ws-echo.ts with a larger heap: BALLAST_MB (default 4) megabytes of
 * long-lived objects allocated at start-up, standing for what any real server keeps (tremolo's own
 * modules and their sources take about 12 MB more than the bare server's). Not part of the suite:
 * it shows how much of the 4 KiB echo gap comes from the heap's size rather than from tremolo's
 * path (BENCHMARKS.md, "The 4 KiB gap is garbage collection").
 *
 *   BALLAST_MB=4 node --import tsx bench/servers/ws-echo-ballast.ts
 */
import { WebSocketServer } from 'ws';
import { announce } from './lifetime.js';

const megabytes = Number(process.env.BALLAST_MB ?? 4);
const ballast: unknown[] = [];
const until = process.memoryUsage().heapUsed + megabytes * 1024 * 1024;
while (process.memoryUsage().heapUsed < until) {
  for (let i = 0; i < 1000; i++) ballast.push({ n: i, s: `s${ballast.length}`, pair: [i, i + 1], inner: { n: i } });
}
(globalThis as { ballast?: unknown }).ballast = ballast;

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
announce(wss);
