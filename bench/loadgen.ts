/**
 * The load generator: a process of its own (pin it to the core the server is not on), loopback
 * only, bounded in count and time. It prints one JSON line with its result on stdout.
 *
 *   node --import tsx bench/loadgen.ts echo   --url ws://127.0.0.1:PORT --pid PID --clients 50 --window 32 --size 64 [--format binary|json]
 *   node --import tsx bench/loadgen.ts fanout --url ws://127.0.0.1:PORT --pid PID --subscribers 1000 --window 4 --size 64
 *   node --import tsx bench/loadgen.ts idle   --url ws://127.0.0.1:PORT --pid PID --connections 10000
 *   node --import tsx bench/loadgen.ts relay  --url ws://127.0.0.1:PORT/NAME --pid PID --clients 20 --size 4096   (through a gateway to a cat service)
 *
 * Common options: --warmup-ms, --duration-ms, --messages (echo: measured per client), --timeout-ms
 * (a hard limit on the whole run: past it the process reports the failure and exits). idle
 * --pauses stops at its baseline and once loaded, for bench/heap-profile.ts to take heap snapshots.
 */
import { parseArgs } from 'node:util';
import { parseTarget } from './harness/raw-ws.js';
import { runEcho } from './loadgen/echo.js';
import { runFanout } from './loadgen/fanout.js';
import { runIdle } from './loadgen/idle.js';
import { runRelay } from './loadgen/relay.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string' },
    pid: { type: 'string' },
    clients: { type: 'string', default: '50' },
    subscribers: { type: 'string', default: '1000' },
    connections: { type: 'string', default: '10000' },
    'warm-connections': { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '100' },
    window: { type: 'string', default: '32' },
    size: { type: 'string', default: '64' },
    format: { type: 'string', default: 'binary' },
    messages: { type: 'string' },
    'warmup-ms': { type: 'string', default: '1000' },
    'duration-ms': { type: 'string', default: '3000' },
    'drain-ms': { type: 'string', default: '2000' },
    'settle-ms': { type: 'string', default: '1500' },
    'timeout-ms': { type: 'string', default: '120000' },
    pauses: { type: 'boolean', default: false },
  },
});

const int = (name: keyof typeof values): number => {
  const n = Number(values[name]);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name}: expected a number, received ${String(values[name])}`);
  return n;
};

const mode = positionals[0];
if (values.url === undefined) throw new Error('--url is required');
const url: string = values.url;
if (!/^ws:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:|\/)/.test(url)) throw new Error(`loopback only: ${url}`);
const target = parseTarget(url);
const pid = values.pid === undefined ? undefined : int('pid');

// Whatever happens, a load generator does not outlive its budget.
setTimeout(() => {
  process.stdout.write(`${JSON.stringify({ error: `load generator timed out after ${values['timeout-ms']} ms` })}\n`);
  process.exit(3);
}, int('timeout-ms')).unref();

async function main(): Promise<Record<string, unknown>> {
  switch (mode) {
    case 'echo':
      return runEcho({
        target,
        pid,
        clients: int('clients'),
        window: int('window'),
        size: int('size'),
        format: values.format === 'json' ? 'json' : 'binary',
        warmupMs: int('warmup-ms'),
        durationMs: int('duration-ms'),
        messages: values.messages === undefined ? undefined : int('messages'),
        drainMs: int('drain-ms'),
      });
    case 'fanout':
      return runFanout({
        target,
        pid,
        subscribers: int('subscribers'),
        window: int('window'),
        size: int('size'),
        warmupMs: int('warmup-ms'),
        durationMs: int('duration-ms'),
        drainMs: int('drain-ms'),
      });
    case 'idle':
      return runIdle({
        target,
        pid,
        connections: int('connections'),
        warmConnections: int('warm-connections'),
        concurrency: int('concurrency'),
        settleMs: int('settle-ms'),
        pauses: values.pauses === true,
      });
    case 'relay':
      return runRelay({ target, pid, clients: int('clients'), size: int('size'), warmupMs: int('warmup-ms'), durationMs: int('duration-ms'), drainMs: int('drain-ms') });
    default:
      throw new Error(`unknown mode ${JSON.stringify(mode)}; expected echo, fanout, idle or relay`);
  }
}

try {
  const result = await main();
  process.stdout.write(`${JSON.stringify(result)}\n`);
  // Sockets still closing must not hold the result back.
  setTimeout(() => process.exit(0), 100);
} catch (err) {
  process.stdout.write(`${JSON.stringify({ error: err instanceof Error ? err.message : String(err) })}\n`);
  process.exit(2);
}
