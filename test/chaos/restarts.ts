import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { startFlow } from '../../src/app/testing/index.js';
import { freePort } from '../support/ports.js';
import { PeerServer } from '../support/ws-server.js';
import { amount, type Scenario } from './scenario.js';

const COUNT = amount('CHAOS_EVENTS', 4000, 3000);
const RESTARTS = amount('CHAOS_RESTARTS', 6, 4);

/**
 * A ws_client streams numbered events while its server is restarted again and again (each time it
 * closes its connections with 1001, as a graceful stop does, then comes back after a random pause).
 * Every number must arrive exactly once and in order, or be reported on the client's err port.
 */
export const restarts: Scenario = {
  name: 'server restarts while a ws_client streams',
  async run() {
    const port = await freePort();
    const server = await PeerServer.start(port);
    const flow = await startFlow(
      {
        use: ['../../connectors/sequence.ts'],
        connectors: {
          numbers: { type: 'sequence', config: { count: COUNT, interval_ms: 1 } },
          client: {
            type: 'ws_client',
            codec: 'json',
            config: { url: `ws://127.0.0.1:${port}` },
            reconnect: { retry: { interval_ms: 20, growth_rate: 1.5, max_interval_ms: 200 } },
            queue: { max_events: 200 },
          },
        },
        links: [['numbers', 'client']],
      },
      { file: path.join(import.meta.dirname, 'restarts.flow.json5') },
    );
    const reported: number[] = [];
    flow.flow.tap('client', 'err').subscribe((e) => reported.push(((e.data as { event?: { seq?: number } }).event?.seq) ?? -1));
    let restarts = 0;
    const deadline = performance.now() + 60_000;
    try {
      while (restarts < RESTARTS && flow.seen('numbers', 'out').length < COUNT) {
        await sleep(150 + Math.random() * 250);
        // Graceful: the server says goodbye (1001) and reads what was already on its way until the
        // client answers the close.
        const open = server.connections.filter((ws) => ws.readyState === ws.OPEN);
        const closed = open.map((ws) => new Promise<void>((resolve) => ws.once('close', () => resolve())));
        for (const ws of open) ws.close(1001, 'restarting');
        await Promise.race([Promise.all(closed), sleep(2000)]);
        await server.stop();
        restarts++;
        await sleep(Math.random() * 300);
        await server.restart();
      }
      while (server.received.length + reported.length < COUNT && performance.now() < deadline) await sleep(20);
    } finally {
      await flow.stop();
      await server.stop();
    }
    const got = server.received.map((text) => (JSON.parse(text) as { seq: number }).seq);
    const problems: string[] = [];
    const seen = new Set<number>();
    let last = 0;
    for (const n of got) {
      if (seen.has(n)) problems.push(`${n} arrived twice`);
      if (n < last) problems.push(`${n} arrived after ${last}`);
      seen.add(n);
      last = Math.max(last, n);
    }
    const missing = [];
    for (let n = 1; n <= COUNT; n++) if (!seen.has(n) && !reported.includes(n)) missing.push(n);
    if (missing.length > 0) problems.push(`${missing.length} lost without a report (first ${missing.slice(0, 5).join(', ')})`);
    return {
      load: `1 ws_client, ${COUNT} events, 1 per ms`,
      faults: `${restarts} server restarts`,
      sent: COUNT,
      delivered: got.length,
      reported: reported.length,
      problems: problems.slice(0, 10),
    };
  },
};
