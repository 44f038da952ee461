/**
 * `npm run test:ouistiti`: tremolo in front of, and beside, ouistiti's own WebSocket services
 * (shared/peers/ouistiti, outside the repository; OUISTITI_PEER names it elsewhere). Each file here
 * starts the services it needs, tremolo's flows and ouistiti's own gateway, and compares them.
 * Without the peer nothing can be tested: it says so and exits 1, never a pass.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { ouistitiPeer } from '../support/ouistiti-peer.js';

const peer = ouistitiPeer();
if (peer === undefined) {
  process.stderr.write(
    process.env.OUISTITI_PEER
      ? `test:ouistiti: not run: ouistiti's services are missing: OUISTITI_PEER=${process.env.OUISTITI_PEER} has no start script; nothing was tested\n`
      : "test:ouistiti: not run: ouistiti's services are missing (no shared/peers/ouistiti beside the checkout, and OUISTITI_PEER is not set); nothing was tested\n",
  );
  process.exit(1);
}
process.stdout.write(`ouistiti's services from ${peer}\n`);
const here = import.meta.dirname;
const files = readdirSync(here)
  .filter((f) => f.endsWith('.peer.ts'))
  .sort()
  .map((f) => path.join(here, f));
// The repository's runner: each file in its own process, bounded in time, "N passed, N failed".
const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, '../run.ts'), ...files], { stdio: 'inherit', env: { ...process.env, OUISTITI_PEER: peer, TEST_JOBS: '1' } });
child.on('exit', (code) => (process.exitCode = code ?? 1));
