import dgram from 'node:dgram';
import type { Test } from 'uvu';
import { startCli, type RunningCli } from '../support/cli.js';
import { raw, statusOf, type RawAddress } from '../support/raw.js';
import type { Attack, DatagramAttack, Family } from './attack.js';
import { Random, SEED } from './random.js';

/**
 * The hostile suite's harness: a tremolo process under attack, batches of seeded hostile inputs
 * thrown at one of its servers, and after each batch the two things that must hold: the process
 * is alive, and a normal client is served. A failure names the seed, the batch, every input of it
 * and the process's last log lines: a reproduction.
 */
export interface UnderAttack {
  readonly cli: RunningCli;
  /** The first capture group of each `ready` pattern, in order (the addresses the servers bound). */
  readonly found: readonly string[];
  alive(): boolean;
  /** The last lines the process wrote to stderr. */
  tail(lines?: number): string;
  stop(): Promise<void>;
}

/** What a suite attacking one WebSocket server keeps: the process, and the server's ws:// URL and port. */
export interface WsUnderAttack {
  proc?: UnderAttack;
  url?: string;
  port?: number;
}

/**
 * A suite's before and after: `tremolo run ARGS` under attack until its first WebSocket server
 * listens, and stopped after the suite (then `cleanup`).
 */
export function attackWsServer(test: Test<WsUnderAttack>, args: readonly string[], cleanup?: () => void): void {
  test.before(async (ctx) => {
    ctx.proc = await runUnderAttack(args, [/listening on (ws:\/\/127\.0\.0\.1:\d+)/]);
    ctx.url = ctx.proc.found[0]!;
    ctx.port = Number(new URL(ctx.url).port);
  });
  test.after(async (ctx) => {
    await ctx.proc?.stop();
    cleanup?.();
  });
}

/** `tremolo run ARGS`, waiting until every pattern has shown up in its log. */
export async function runUnderAttack(args: readonly string[], ready: readonly RegExp[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<UnderAttack> {
  const cli = startCli(['run', ...args], { timeoutMs: 110_000, ...(options.env === undefined ? {} : { env: options.env }) });
  const found: string[] = [];
  try {
    for (const pattern of ready) found.push((await cli.waitForLog(pattern, 60_000))[1] ?? '');
  } catch (err) {
    // A process that never got ready must not outlive the test file.
    cli.process.kill('SIGKILL');
    throw err;
  }
  const alive = (): boolean => cli.process.exitCode === null && cli.process.signalCode === null;
  return {
    cli,
    found,
    alive,
    tail: (lines = 25) => cli.stderr().split('\n').slice(-lines).join('\n'),
    async stop() {
      if (alive()) cli.process.kill('SIGTERM');
      await cli.done;
    },
  };
}

/** How long an attack waits for the server's answer or close (unless it says otherwise). */
export const ATTACK_MS = 8000;
/** How long a normal client waits for each step: generous, since the machine may be busy with other suites. */
export const NORMAL_MS = 10_000;

export interface Assault {
  /** What is attacked, for messages: "echo ws_server". */
  readonly target: string;
  readonly address: RawAddress;
  readonly families: readonly Family[];
  /** Throws (with the reason) unless a well-behaved client gets its answer. */
  readonly normal: () => Promise<void>;
  readonly batches?: number;
  readonly perBatch?: number;
  /** Attacks in flight at once. */
  readonly concurrency?: number;
}

const describe = (attacks: readonly { name: string }[]): string => attacks.map((a) => `    - ${a.name}`).join('\n');

/**
 * Throws batches of attacks drawn from `families` at `address`; after each, the process must be
 * alive, must not have reported an uncaught error, and must serve `normal`. Answers that break an
 * attack's own expectation are collected and reported together at the end.
 */
export async function assault(proc: UnderAttack, a: Assault): Promise<void> {
  const rng = new Random(SEED).fork(a.target);
  const batches = a.batches ?? 2;
  // Every family at least once per run: as many per batch as that takes.
  const perBatch = Math.max(a.perBatch ?? 14, Math.ceil(a.families.length / batches));
  const concurrency = a.concurrency ?? 8;
  const wrong: string[] = [];
  let late = 0;
  let throttled = 0;
  const repro = `HOSTILE_SEED=${SEED}`;
  for (let b = 0; b < batches; b++) {
    // Every family once per run at least, the rest drawn at random.
    const picked = Array.from({ length: perBatch }, (_, i) => a.families[(b * perBatch + i) % a.families.length]!);
    const attacks: Attack[] = rng.shuffle(picked).map((family) => family(rng));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < attacks.length) {
        const attack = attacks[next++]!;
        const reply = await raw(a.address, attack.chunks, { dripMs: attack.dripMs ?? 0, keepOpenMs: attack.keepOpenMs ?? 0, timeoutMs: attack.timeoutMs ?? ATTACK_MS });
        // An answer that had not come when we gave up is no wrong answer: on a machine this loaded
        // it may just be late. A server that hangs shows in its normal client, bounded by NORMAL_MS.
        if (reply.timedOut) {
          late++;
          continue;
        }
        // Nor is a 429 from a login throttle (Basic auth: 10 checks at once per address, failures
        // refilled one per 6 s), which a barrage of logins trips sooner the slower this machine
        // hashes: the server defended itself, and what would have followed the handshake was not sent.
        if (statusOf(reply.reply) === 429) {
          throttled++;
          continue;
        }
        const problem = attack.expect?.(reply);
        if (problem !== undefined) wrong.push(`${attack.name}: ${problem}`);
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    await settle(proc, a, b, attacks, repro);
    if (process.env.HOSTILE_VERBOSE) process.stderr.write(`${a.target} batch ${b + 1}: ${(performance.now() - started).toFixed(0)} ms, ${late} answers late, ${throttled} throttled so far\n${describe(attacks)}\n`);
  }
  if (wrong.length > 0) throw new Error(`${a.target} (${repro}): ${wrong.length} answers were not the expected ones:\n${wrong.map((w) => `    - ${w}`).join('\n')}`);
}

/** After a batch: alive, no uncaught error in the log, and a normal client served. */
async function settle(proc: UnderAttack, a: { target: string; normal: () => Promise<void> }, batch: number, attacks: readonly { name: string }[], repro: string): Promise<void> {
  const where = `${a.target}, batch ${batch + 1} (${repro})`;
  // A crash takes a moment to show: the exit, or an error reported from a timer.
  await new Promise((r) => setTimeout(r, 50));
  if (!proc.alive()) throw new Error(`${where}: the process died after:\n${describe(attacks)}\n  its last words:\n${proc.tail()}`);
  const uncaught = /Uncaught|UnhandledPromiseRejection|unhandled rejection|ERR_UNHANDLED_REJECTION|node:internal/i.exec(proc.cli.stderr());
  if (uncaught !== null) throw new Error(`${where}: the process reported an uncaught error after:\n${describe(attacks)}\n${proc.tail()}`);
  try {
    await a.normal();
  } catch (err) {
    throw new Error(`${where}: a normal client was not served (${(err as Error).message}) after:\n${describe(attacks)}\n  log:\n${proc.tail()}`);
  }
}

/** Datagrams at a UDP server, then the same checks as `assault`. */
export async function assaultUdp(
  proc: UnderAttack,
  a: { target: string; port: number; families: readonly ((rng: Random) => DatagramAttack)[]; normal: () => Promise<void>; batches?: number; perBatch?: number },
): Promise<void> {
  const rng = new Random(SEED).fork(a.target);
  const socket = dgram.createSocket('udp4');
  socket.on('error', () => undefined);
  socket.on('message', () => undefined);
  try {
    for (let b = 0; b < (a.batches ?? 2); b++) {
      const attacks = Array.from({ length: a.perBatch ?? 10 }, (_, i) => a.families[(b + i) % a.families.length]!(rng));
      for (const attack of attacks) {
        for (const d of attack.datagrams) await new Promise<void>((resolve) => socket.send(d, a.port, '127.0.0.1', () => resolve()));
      }
      await settle(proc, a, b, attacks, `HOSTILE_SEED=${SEED}`);
    }
  } finally {
    socket.close();
  }
}
