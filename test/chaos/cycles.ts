import { readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { loadFlowObject } from '../../src/app/load.js';
import { Flow } from '../../src/engine/flow.js';
import { createLogger } from '../../src/sdk/logger.js';
import { amount, type Scenario } from './scenario.js';

const CYCLES = amount('CHAOS_CYCLES', 10_000, 4000);
const AT_ONCE = 50;

function cycle(url: string, n: number): Promise<boolean> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => {
      ws.terminate();
      resolve(false);
    }, 5000);
    ws.on('open', () => ws.send(`hello ${n}`));
    ws.on('message', () => ws.close());
    ws.on('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
    ws.on('error', () => undefined);
  });
}

async function run(url: string, count: number): Promise<number> {
  let next = 0;
  let ok = 0;
  await Promise.all(
    Array.from({ length: AT_ONCE }, async () => {
      while (next < count) if (await cycle(url, next++)) ok++;
    }),
  );
  return ok;
}

const gc = (globalThis as { gc?: () => void }).gc;
const fds = (): number => readdirSync('/proc/self/fd').length;
/** Live heap after full collections: what a leak would grow (RSS also counts freed memory kept by the allocator). */
async function heap(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc!();
    await sleep(20);
  }
  return process.memoryUsage().heapUsed;
}

/**
 * 10,000 connections (4000 in `npm test`) that open, exchange a message and close, 50 at a time:
 * afterwards as many file descriptors are open as before, and the live heap has not grown by a
 * megabyte (measured after full garbage collections: a leak of 100 bytes a connection shows at full
 * length, of 262 in the short run).
 */
export const cycles: Scenario = {
  name: 'connect / disconnect cycles',
  async run() {
    if (gc === undefined) throw new Error('run the chaos suite with node --expose-gc (npm run test:chaos does)');
    // The runtime itself, not the test harness (which records every event it sees).
    const model = await loadFlowObject({
      connectors: { s: { type: 'ws_server', codec: 'string', config: { url: 'ws://127.0.0.1:0' } } },
      links: [['s', 's']],
    });
    const flow = await Flow.deploy(model, { log: createLogger('error') });
    const url = flow.address('s')!;
    const problems: string[] = [];
    try {
      await run(url, 2000); // warm-up: JIT, buffers, pools
      await sleep(200);
      const fdsBefore = fds();
      const heapBefore = await heap();
      const ok = await run(url, CYCLES);
      await sleep(300);
      const fdsAfter = fds();
      const growth = (await heap()) - heapBefore;
      if (fdsAfter > fdsBefore + 2) problems.push(`file descriptors ${fdsBefore} → ${fdsAfter}`);
      if (growth > 1024 * 1024) problems.push(`live heap grew ${(growth / 1024).toFixed(0)} KB (${(growth / CYCLES).toFixed(0)} bytes a connection)`);
      if (ok !== CYCLES) problems.push(`${CYCLES - ok} cycles failed`);
      return {
        load: `${CYCLES} connections, ${AT_ONCE} at once (fds ${fdsBefore} → ${fdsAfter}, live heap ${growth >= 0 ? '+' : ''}${(growth / 1024).toFixed(0)} KB)`,
        faults: `${CYCLES} connects and disconnects`,
        sent: CYCLES,
        delivered: ok,
        reported: 0,
        problems,
      };
    } finally {
      await flow.stop();
    }
  },
};
