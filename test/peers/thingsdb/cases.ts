import WebSocket from 'ws';
import { pkg } from '../../support/thingsdb-wire.js';

/**
 * The conformance cases: what a client sends, package by package, to a ThingsDB WebSocket
 * endpoint (a real node, the gateway in front of one, or tremolo's stand-alone endpoint), and what
 * it sees: whether the handshake opened, the subprotocol, every message byte for byte, and whether
 * the connection was closed. The same case on two endpoints must give the same transcript.
 */
export interface Transcript {
  readonly handshake: 'open' | 'refused';
  readonly protocol: string;
  readonly messages: readonly string[];
  readonly closed: boolean;
}

export interface Step {
  /** A package (or any bytes) to send. */
  readonly send?: Buffer;
  /** Wait until this many messages have arrived in all (bounded), before the next step. */
  readonly until?: number;
}

export interface Case {
  readonly name: string;
  /** About the protocol: the stand-alone endpoint must answer it exactly as the node does. */
  readonly protocol: boolean;
  readonly subprotocols?: readonly string[];
  readonly steps: readonly Step[];
}

/** Values the node made before the cases run (setup), that some cases name. */
export interface Fixture {
  /** The id of the room named "lobby" in @:stuff. */
  readonly room: number;
}

const AUTH = pkg(1, 33, ['admin', 'pass']);
const send = (data: Buffer, until?: number): Step => ({ send: data, ...(until === undefined ? {} : { until }) });
const withCheck = (data: Buffer, check: number): Buffer => {
  const b = Buffer.from(data);
  b[7] = check;
  return b;
};
const withSize = (data: Buffer, size: number): Buffer => {
  const b = Buffer.from(data);
  b.writeUInt32LE(size, 0);
  return b;
};
const truncated = (data: Buffer, by: number): Buffer => withSize(data.subarray(0, data.length - by), data.length - by - 8);

export function cases(f: Fixture): Case[] {
  const lobby = f.room;
  return [
    { name: 'AUTH with user and password, then PING', protocol: true, steps: [send(AUTH, 1), send(pkg(2, 32), 2)] },
    { name: 'AUTH with a wrong password', protocol: true, steps: [send(pkg(1, 33, ['admin', 'nope']), 1)] },
    { name: 'AUTH with an unknown token', protocol: true, steps: [send(pkg(1, 33, 'not-a-token'), 1)] },
    { name: 'AUTH that is neither a pair nor a token', protocol: true, steps: [send(pkg(1, 33, 5), 1)] },
    { name: 'a QUERY before AUTH', protocol: true, steps: [send(pkg(2, 34, ['@:stuff', '1;']), 1)] },
    { name: 'a JOIN before AUTH', protocol: true, steps: [send(pkg(2, 38, ['@:stuff', lobby]), 1)] },
    { name: 'PING before AUTH', protocol: true, steps: [send(pkg(2, 32), 1)] },
    { name: 'QUERY with vars nil', protocol: true, steps: [send(AUTH, 1), send(pkg(2, 34, ['@:stuff', '1 + 1;', null]), 2)] },
    { name: 'QUERY with vars', protocol: true, steps: [send(AUTH, 1), send(pkg(2, 34, ['@:stuff', 'x * 2;', { x: 21 }]), 2)] },
    { name: 'a float stays a float', protocol: true, steps: [send(AUTH, 1), send(pkg(2, 34, ['@:stuff', '1.0;']), 2)] },
    { name: 'an integer beyond 2^53 stays exact', protocol: true, steps: [send(AUTH, 1), send(pkg(2, 34, ['@:stuff', '9007199254740993;']), 2)] },
    { name: 'QUERY whose code is not a string', protocol: true, steps: [send(AUTH, 1), send(pkg(2, 34, ['@:stuff', 1]), 2)] },
    { name: 'QUERY in a collection scope that is a number', protocol: true, steps: [send(AUTH, 1), send(pkg(2, 34, ['@:2', '1;']), 2)] },
    { name: 'QUERY in a node scope that does not exist', protocol: true, steps: [send(AUTH, 1), send(pkg(2, 34, ['@node:1', '1;']), 2)] },
    { name: 'QUERY in a collection that does not exist', protocol: true, steps: [send(AUTH, 1), send(pkg(2, 34, ['@:nothing', '1;']), 2)] },
    { name: 'bytes come back as MessagePack bin', protocol: false, steps: [send(AUTH, 1), send(pkg(2, 34, ['@:stuff', 'bytes("ab");']), 2)] },
    { name: 'a stored thing comes back with its # id', protocol: false, steps: [send(AUTH, 1), send(pkg(2, 34, ['@:stuff', '.t;']), 2)] },
    { name: 'functions the stand-alone endpoint does not have', protocol: false, steps: [send(AUTH, 1), send(pkg(2, 34, ['@:stuff', 'has_collection("stuff");']), 2)] },
    { name: 'RUN with arguments', protocol: true, steps: [send(AUTH, 1), send(pkg(2, 37, ['@:stuff', 'add_one', [41]]), 2)] },
    { name: 'RUN with arguments nil', protocol: true, steps: [send(AUTH, 1), send(pkg(2, 37, ['@:stuff', 'hello', null]), 2)] },
    { name: 'RUN of a procedure that does not exist', protocol: true, steps: [send(AUTH, 1), send(pkg(2, 37, ['@:stuff', 'nothing', []]), 2)] },
    {
      name: 'JOIN, EMIT and LEAVE by room name',
      protocol: true,
      steps: [send(AUTH, 1), send(pkg(2, 38, ['@:stuff', 'lobby']), 3), send(pkg(3, 40, ['@:stuff', 'lobby', 'hi', 1, 'two']), 5), send(pkg(4, 39, ['@:stuff', 'lobby']), 7)],
    },
    {
      name: 'JOIN, EMIT and LEAVE by room id',
      protocol: true,
      steps: [send(AUTH, 1), send(pkg(2, 38, ['@:stuff', lobby]), 3), send(pkg(3, 40, ['@:stuff', lobby, 'hi', 2.5]), 5), send(pkg(4, 39, ['@:stuff', lobby]), 7)],
    },
    { name: 'JOIN of names and ids that do not exist answers nil for each', protocol: true, steps: [send(AUTH, 1), send(pkg(2, 38, ['@:stuff', 'nope', 99999, lobby]), 3)] },
    { name: 'EMIT_PEER is not sent back to the sender', protocol: true, steps: [send(AUTH, 1), send(pkg(2, 38, ['@:stuff', lobby]), 3), send(pkg(3, 41, ['@:stuff', lobby, 'x']), 4), send(pkg(4, 32), 5)] },
    { name: 'WATCH and UNWATCH are answered OK', protocol: true, steps: [send(AUTH, 1), send(pkg(2, 35, ['@n']), 2), send(pkg(3, 36, ['@n']), 3)] },
    { name: 'a package of an unknown type gets no answer', protocol: true, steps: [send(AUTH, 1), send(pkg(2, 50), 1), send(pkg(3, 32), 2)] },
    { name: 'a bad check byte closes the connection', protocol: true, steps: [send(withCheck(AUTH, 0)), send(pkg(2, 32))] },
    { name: 'a message shorter than the header closes the connection', protocol: true, steps: [send(Buffer.from([0, 0, 0])), send(pkg(2, 32))] },
    { name: 'a size field larger than the message', protocol: true, steps: [send(withSize(AUTH, AUTH.length), 1), send(pkg(2, 32), 2)] },
    { name: 'a size field smaller than the message: the rest is ignored', protocol: true, steps: [send(Buffer.concat([AUTH, pkg(2, 32)]), 1), send(pkg(3, 32), 2)] },
    { name: 'truncated MessagePack', protocol: false, steps: [send(AUTH, 1), send(truncated(pkg(2, 34, ['@:stuff', '1;']), 2), 2), send(pkg(3, 32), 3)] },
    { name: 'a subprotocol the node does not speak is refused', protocol: true, subprotocols: ['foo'], steps: [] },
    { name: 'the subprotocol thingsdb-protocol is accepted', protocol: true, subprotocols: ['thingsdb-protocol'], steps: [send(pkg(1, 32), 1)] },
    { name: 'a large AUTH before authentication', protocol: false, steps: [send(pkg(1, 33, ['admin', 'x'.repeat(100_000)]), 1)] },
  ];
}

/** Runs one case on `url`: every step in order, then waits until nothing more comes (or the close). */
export async function transcript(url: string, c: Case, quietMs = 250): Promise<Transcript> {
  const ws = new WebSocket(url, [...(c.subprotocols ?? [])]);
  const messages: string[] = [];
  let closed = false;
  let wake: (() => void) | undefined;
  ws.on('message', (data: Buffer) => {
    messages.push(data.toString('hex'));
    wake?.();
  });
  ws.on('close', () => {
    closed = true;
    wake?.();
  });
  const opened = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), 5000);
    ws.once('open', () => (clearTimeout(timer), resolve(true)));
    ws.once('error', () => (clearTimeout(timer), resolve(false)));
  });
  if (!opened) {
    ws.terminate();
    return { handshake: 'refused', protocol: '', messages, closed: true };
  }
  const settle = (count: number | undefined): Promise<void> =>
    new Promise((resolve) => {
      let timer: NodeJS.Timeout;
      const check = (): void => {
        clearTimeout(timer);
        if (closed || (count !== undefined && messages.length >= count)) return resolve();
        // Without a count, or once it is taking long: done when quiet.
        timer = setTimeout(() => ((wake = undefined), resolve()), count === undefined ? quietMs : 3000);
      };
      wake = check;
      check();
    });
  for (const step of c.steps) {
    if (closed) break;
    if (step.send !== undefined) ws.send(step.send);
    await settle(step.until);
  }
  await settle(undefined);
  wake = undefined;
  const protocol = ws.protocol;
  if (!closed) ws.close();
  return { handshake: 'open', protocol, messages, closed };
}
