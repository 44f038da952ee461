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
  /** The ids of @:stuff's root and of its thing `.t`. */
  readonly root: number;
  readonly thing: number;
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
    { name: 'functions the stand-alone endpoint does not have', protocol: false, steps: [send(AUTH, 1), send(pkg(2, 34, ['@:stuff', 'x = [1, 2]; x.len();']), 2)] },
    ...languageCases(f),
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

const query = (id: number, scope: string, code: string, until: number): Step => send(pkg(id, 34, [scope, code]), until);
/** AUTH, then each query in @:stuff (or `[scope, code]`), one answer each. */
const queries = (...codes: (string | [string, string])[]): Step[] => [send(AUTH, 1), ...codes.map((c, i) => (typeof c === 'string' ? query(i + 2, '@:stuff', c, i + 2) : query(i + 2, c[0], c[1], i + 2)))];

/** The part of ThingsDB's language the stand-alone endpoint answers as the node does. */
function languageCases(f: Fixture): Case[] {
  return [
    { name: 'a stored thing comes back with its # id', protocol: true, steps: queries('.t;', '.t.id();', '.id();', '[.t, {y: .t}];') },
    { name: 'a thing stored by a query gets the next ids, parents first, and comes back one level deep', protocol: true, steps: queries('.a = {b: {c: {d: 1}}};', '.a;', '[.a.id(), .a.b.id(), .a.b.c.id()];', 'x = {u: 1}; .y = {v: x}; [x, .y];') },
    { name: 'a thing that is not stored has no id', protocol: true, steps: queries('{z: {y: 1}};', '{}.id();', 'x = {}; x.nope;') },
    { name: 'return with a depth', protocol: true, steps: queries('.d = {b: {c: {e: 1}}}; return .d, 2;', 'return .d, 0;', 'return [.d], 3;', 'return {k: .d}, 0;', 'return;', 'return 1, 200;', 'return 1, "x";') },
    { name: 'a property that is not there', protocol: true, steps: queries('.nope;', '.t.nope;', '(1).id();') },
    { name: 'has_collection in @thingsdb', protocol: true, steps: queries(['@thingsdb', '[has_collection("stuff"), has_collection("nope"), has_collection(1)];'], ['@t', 'has_collection();'], ['@:stuff', 'has_collection("stuff");'], ['@node', 'has_collection("stuff");']) },
    {
      name: 'new_collection, then queries in it',
      protocol: true,
      steps: queries(['@thingsdb', 'new_collection("other");'], ['@:other', '.id();'], ['@:other', '.x = {}; .x.id();'], ['@t', 'new_collection("other");'], ['@t', 'has_collection("other");'], ['@t', 'new_collection("1bad");'], ['@t', 'new_collection(1);'], ['@t', 'new_collection();'], ['@:stuff', 'new_collection("x");']),
    },
    {
      name: 'new_procedure, then RUN and run() of it',
      protocol: true,
      steps: [
        ...queries('new_procedure("twice", |x| x * 2);', 'run("twice", 4);', 'new_procedure("twice", |x| x);', 'new_procedure("sum", |a, b| {a + b});', 'run("sum", 1, 2, 3);', 'run("sum", 1);', 'run("nope");', 'run();', 'run(1);'),
        send(pkg(20, 37, ['@:stuff', 'twice', [21]]), 11),
        send(pkg(21, 37, ['@:stuff', 'sum', { a: 1, b: 2 }]), 12),
      ],
    },
    { name: 'new_procedure refused', protocol: true, steps: queries('new_procedure(1, |x| x);', 'new_procedure("p");', 'new_procedure("p", 1);', 'new_procedure("1bad", |x| x);', ['@node', 'new_procedure("p", || 1);'], ['@t', 'new_procedure("tp", || 1);'], ['@t', 'run("tp");']) },
    { name: 'RUN with more or fewer arguments than the procedure has', protocol: true, steps: [send(AUTH, 1), send(pkg(2, 37, ['@:stuff', 'add_one', [1, 2]]), 2), send(pkg(3, 37, ['@:stuff', 'add_one', []]), 3), send(pkg(4, 37, ['@:stuff', 'add_one', { y: 1 }]), 4)] },
    { name: 'a closure comes back as its source', protocol: true, steps: queries('|x| x + 1;', 'x = || 42; x;') },
    { name: 'room() and its lookups', protocol: true, steps: queries('room();', 'room("lobby").id();', `room(${f.room}).name();`, 'room(99999);', 'room("nope");', 'room(1, 2);', ['@t', `room(${f.room});`], ['@node', 'room();']) },
    {
      name: 'a room made by a query is joined by name and hears its emits, the emit before the answer',
      protocol: true,
      steps: [
        ...queries('.lounge = room(); .lounge.set_name("lounge"); .lounge.id();'),
        send(pkg(3, 38, ['@:stuff', 'lounge']), 4),
        query(4, '@:stuff', '.lounge.emit("hey", 1, "two", 2.5, 9007199254740993); 5;', 6),
        query(5, '@:stuff', 'room("lounge").emit("x"); raise("boom");', 8),
        query(6, '@:stuff', 'room().emit("nobody");', 9),
      ],
    },
    {
      name: 'emit from a query with a depth, and its errors',
      protocol: true,
      steps: [
        send(AUTH, 1),
        send(pkg(2, 38, ['@:stuff', 'lobby']), 3),
        query(3, '@:stuff', 'room("lobby").emit("t", .t, [.t], {k: .t});', 5),
        query(4, '@:stuff', 'room("lobby").emit(0, "t", .t);', 7),
        query(5, '@:stuff', 'room("lobby").emit(2, "t", .t);', 9),
        query(6, '@:stuff', 'room("lobby").emit();', 10),
        query(7, '@:stuff', 'room("lobby").emit(1);', 11),
        query(8, '@:stuff', 'room("lobby").emit(nil);', 12),
        query(9, '@:stuff', 'room("lobby").emit(200, "x");', 13),
        query(10, '@:stuff', '.t.emit("x");', 14),
      ],
    },
    {
      name: 'set_name, name and id of rooms, and room() of what is not a room',
      protocol: true,
      steps: queries(
        'room().set_name("x");',
        'room("lobby").set_name(1);',
        'room("lobby").set_name("1a");',
        'room("lobby").name();',
        '.q1 = room(); .q2 = room(); .q1.set_name("dup"); .q2.set_name("dup");',
        '.q1.set_name(nil); .q1.name();',
        'room("lobby").name(1);',
        'room("lobby").id(1);',
        'room(0);',
        'room(-1);',
        'room(1.5);',
        'room(nil);',
      ),
    },
    { name: 'a procedure that calls itself stops at the node\'s recursion depth', protocol: true, steps: queries('new_procedure("rec", |x| run("rec", x + 1));', 'run("rec", 1);') },
    { name: 'return without ids', protocol: true, steps: queries('return .t, 1, NO_IDS;', 'NO_IDS;', 'return [.t, {k: .t}], 2, NO_IDS;', 'return .t, 1, "x";') },
    { name: 'raise and err', protocol: true, steps: queries('raise("boom");', 'raise();', 'raise("");', 'raise(err(-61));', 'raise(err(-50, "x"));', 'raise(err());', 'raise(1);', 'raise("a", 2);', 'err(-300, "x");', 'err("m");', ['@t', 'raise("x");'], ['@node', 'raise("x");']) },
    { name: 'a query nested past the node\'s limit', protocol: true, steps: queries(`${'('.repeat(1000)}1${')'.repeat(1000)};`, `${'['.repeat(1000)}${']'.repeat(1000)};`) },
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
