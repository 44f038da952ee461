/**
 * Scenario 9, the gateway in front of a UNIX service (issue 25): flows/gateway.json5 against
 * ouistiti's own gateway (mod_websocket, shared/peers/ouistiti) as the reference, both relaying to
 * the same `socat UNIX-LISTEN:…,fork EXEC:cat` service, 20 clients in strict request/response at
 * 64 B, 4 KiB and 64 KiB. The gateways are pinned to the server core, the load generator to the
 * other. Runs only where the peer is (OUISTITI_PEER, or shared/peers/ouistiti beside the checkout).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OuistitiPeer } from '../../test/support/ouistiti-peer.js';
import { freePort } from '../../test/support/ports.js';
import { socatEcho } from '../../test/support/unix-servers.js';
import { CORES } from '../harness/processes.js';
import type { Scenario } from '../harness/rounds.js';
import { startTremolo, type Server } from '../harness/tremolo.js';
import { CPU_PER_MESSAGE, ERRORS, LOADGEN_UTIL, loadgen, P50, P99, PEAK_RSS, SERVER_UTIL, THROUGHPUT, type Context } from './common.js';

const CASES = [
  { id: '64', title: '64 B, 20 × request/response', size: 64 },
  { id: '4k', title: '4 KiB, 20 × request/response', size: 4096 },
  { id: '64k', title: '64 KiB, 20 × request/response', size: 65536 },
];

const catService = (docroot: string): Promise<ChildProcess> => socatEcho(path.join(docroot, 'cat'), { backlog: 128 });

export function gatewayScenario(ctx: Context, peer: string): Scenario {
  const warmupMs = ctx.quick ? 500 : 1000;
  const durationMs = ctx.quick ? 1500 : 3000;
  return {
    name: 'gateway',
    title: 'Scenario 9, gateway to a UNIX service',
    reference: `ouistiti 56126a8's gateway (${path.relative(process.cwd(), peer) || peer}/start gateway) to socat EXEC:cat`,
    tremolo: 'flows/gateway.json5 to the same socat EXEC:cat',
    cases: CASES,
    metrics: [{ ...THROUGHPUT, target: 1 }, { ...P99, target: 1 }, P50, CPU_PER_MESSAGE, SERVER_UTIL, LOADGEN_UTIL, PEAK_RSS, ERRORS],
    concurrentSessions: false,
    async open(side) {
      const docroot = mkdtempSync(path.join(os.tmpdir(), 'tremolo-bench-gw-'));
      const cat = await catService(docroot);
      let server: Server | undefined;
      let ouistiti: OuistitiPeer | undefined;
      let target: { url: string; pid: number };
      if (side === 'reference') {
        ouistiti = OuistitiPeer.start(peer, docroot);
        const port = await freePort();
        const pid = await ouistiti.gateway(port, CORES?.server);
        target = { url: `ws://127.0.0.1:${port}`, pid };
      } else {
        server = await startTremolo(ctx.install, 'flows/gateway.json5', CORES?.server, [], ['--arg', `docroot=${docroot}`]);
        target = { url: server.url, pid: server.pid };
      }
      // loadgen's helpers want a Server: the process it measures and the URL it connects to.
      const measured = { child: server?.child ?? { process: { exitCode: null }, name: 'ouistiti', stderr: [] }, pid: target.pid, url: `${target.url}/cat` } as unknown as Server;
      return {
        measure: (caseId) => {
          const c = CASES.find((x) => x.id === caseId)!;
          const args = ['--clients', 20, '--size', c.size, '--warmup-ms', warmupMs, '--duration-ms', durationMs];
          return loadgen('relay', measured, args, warmupMs + durationMs + 20_000);
        },
        close: async () => {
          await server?.child.stop(6000);
          ouistiti?.stop();
          cat.kill();
          rmSync(docroot, { recursive: true, force: true });
        },
      };
    },
  };
}
