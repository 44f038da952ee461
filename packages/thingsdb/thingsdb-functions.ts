/**
 * The functions and methods the stand-alone endpoint's query language has, answered as ThingsDB
 * 1.9 answers them (values, error codes, texts and documentation links, checked against a node by
 * `npm run test:thingsdb`): has_collection, new_collection (@thingsdb), new_procedure, run
 * (@thingsdb and collections), room, raise, err (any scope); `.id()` of things and rooms, and
 * `.emit()`, `.name()`, `.set_name()` of rooms. Any other call is the node's code for a function it
 * does not know (-54), saying that the endpoint lacks it.
 */
import { runClosure, type Answer, type CodeScope } from './thingsdb-code.js';
import { ErrorCode, ThingsdbError } from './thingsdb-protocol.js';
import type { Scope } from './thingsdb-scope.js';
import type { Store } from './thingsdb-store.js';
import { Closure, ErrorValue, idOf, isThing, RoomValue, typeName, type Value } from './thingsdb-values.js';

/** The endpoint a query runs on, and in which scope. */
export interface QueryContext {
  readonly store: Store;
  readonly scope: Scope;
}

type Eval = (scope: CodeScope) => Value;

const DOCS = 'https://docs.thingsdb.io/v1/';
const see = (page: string): string => `; see ${DOCS}${page}`;
const NAME = /^[A-Za-z_][0-9A-Za-z_]{0,254}$/;

/** A call the endpoint does not answer: the node's code for an unknown function (-54), saying why. */
export const unsupported = (what: string): ThingsdbError =>
  new ThingsdbError(ErrorCode.LOOKUP_ERROR, `${what} in tremolo's stand-alone endpoint, which answers a small part of ThingsDB's language (docs/thingsdb.md); put flows/thingsdb-gateway.json5 in front of a ThingsDB node for all of it`);

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
const given = (n: number): string => (n === 1 ? '1 was given' : `${n} were given`);

function count(fn: string, doc: string, n: number, min: number, max: number): void {
  if (n >= min && n <= max) return;
  const rule = min === max ? `takes ${plural(min, 'argument')}` : n < min ? `requires at least ${plural(min, 'argument')}` : `takes at most ${plural(max, 'argument')}`;
  throw new ThingsdbError(ErrorCode.NUM_ARGUMENTS, `function \`${fn}\` ${rule} but ${given(n)}${see(doc)}`);
}

function expect<T extends Value>(fn: string, doc: string, nth: number, v: Value, type: string, ok: (v: Value) => v is T): T {
  if (ok(v)) return v;
  throw new ThingsdbError(ErrorCode.TYPE_ERROR, `function \`${fn}\` expects argument ${nth} to be of type \`${type}\` but got type \`${typeName(v)}\` instead${see(doc)}`);
}
const isStr = (v: Value): v is string => typeof v === 'string';
const isInt = (v: Value): v is bigint => typeof v === 'bigint';
const isClosure = (v: Value): v is Closure => v instanceof Closure;

/** Where a function lives, and the node's answer when it is called elsewhere. */
type Where = 'thingsdb' | 'thingsdb+collection' | 'any';
function placed(fn: string, where: Where, scope: Scope): void {
  if (where === 'any' || scope.kind === 'thingsdb' || (where === 'thingsdb+collection' && scope.kind === 'collection')) return;
  const hint = where === 'thingsdb' ? 'the `@thingsdb` scope' : 'the `@thingsdb` or a `@collection` scope';
  throw new ThingsdbError(ErrorCode.LOOKUP_ERROR, `function \`${fn}\` is undefined in the \`@${scope.kind}\` scope; you might want to query ${hint}?${see('overview/scopes')}`);
}

/** ThingsDB's texts for its own codes; other codes in -127..-50 are `error:CODE`. */
const MESSAGES = new Map<number, string>([
  [-50, 'assertion statement has failed'],
  [-51, 'node is temporary unable to handle the request'],
  [-52, 'syntax error in query'],
  [-53, 'unable to handle request due to invalid data'],
  [-54, 'requested resource not found'],
  [-55, 'forbidden (access denied)'],
  [-56, 'authentication error'],
  [-57, 'max quota is reached'],
  [-58, 'division or modulo by zero'],
  [-59, 'integer overflow'],
  [-60, 'object has the right type but an inappropriate value'],
  [-61, 'object of inappropriate type'],
  [-62, 'wrong number of arguments'],
  [-63, 'operation is not valid in the current context'],
  [-64, 'operation is cancelled before completion'],
]);

/** A name for a new collection or procedure: ThingsDB's naming rules, and not taken. */
function fresh(what: string, name: string, taken: (name: string) => boolean): string {
  if (!NAME.test(name)) throw new ThingsdbError(ErrorCode.VALUE_ERROR, `${what} name must follow the naming rules${see('overview/names')}`);
  if (taken(name)) throw new ThingsdbError(ErrorCode.LOOKUP_ERROR, `${what} \`${name}\` already exists`);
  return name;
}

const collectionOf = (s: CodeScope): string | undefined => (s.node?.scope.kind === 'collection' ? s.node.scope.name : undefined);

function procedures(s: CodeScope, store: Store): Map<string, Closure> {
  const name = collectionOf(s);
  return name === undefined ? store.procedures : store.add(name).procedures;
}

/** The procedure `name` in the query's scope, called with `args` (or those for its parameters). */
export function runProcedure(name: string, args: readonly Value[] | ((params: readonly string[]) => Value[]), s: CodeScope): Answer {
  const closure = s.node?.store.procedure(collectionOf(s), name);
  if (closure === undefined) throw new ThingsdbError(ErrorCode.LOOKUP_ERROR, `procedure \`${name}\` not found`);
  return runClosure(closure, typeof args === 'function' ? args(closure.params) : args, s);
}

/** A typed argument of the function being called, or the node's -61 for it. */
type Arg = <T extends Value>(nth: number, type: string, ok: (v: Value) => v is T) => T;

interface Fn {
  readonly where: Where;
  /** Needs the endpoint's store (collections, procedures); without one it is unsupported. */
  readonly node?: true;
  /** Its page in ThingsDB's documentation, which the node links in its errors. */
  readonly doc: string;
  readonly arity: readonly [min: number, max: number];
  call(args: Value[], s: CodeScope, arg: Arg): Value;
}

const FUNCTIONS: Record<string, Fn> = {
  has_collection: {
    where: 'thingsdb',
    node: true,
    doc: 'thingsdb-api/has_collection',
    arity: [1, 1],
    call: (args, s) => typeof args[0] === 'string' && s.node!.store.has(args[0]),
  },
  new_collection: {
    where: 'thingsdb',
    node: true,
    doc: 'thingsdb-api/new_collection',
    arity: [1, 1],
    call(_args, s, arg) {
      const name = arg(1, 'str', isStr);
      s.node!.store.add(fresh('collection', name, (n) => s.node!.store.has(n)));
      return name;
    },
  },
  new_procedure: {
    where: 'thingsdb+collection',
    node: true,
    doc: 'procedures-api/new_procedure',
    arity: [2, 2],
    call(_args, s, arg) {
      const [name, closure] = [arg(1, 'str', isStr), arg(2, 'closure', isClosure)];
      procedures(s, s.node!.store).set(fresh('procedure', name, (n) => s.node!.store.procedure(collectionOf(s), n) !== undefined), closure);
      return name;
    },
  },
  run: {
    where: 'thingsdb+collection',
    node: true,
    doc: 'procedures-api/run',
    arity: [1, Infinity],
    call: (args, s, arg) => runProcedure(arg(1, 'str', isStr), args.slice(1), s).value,
  },
  room: {
    where: 'any',
    doc: 'collection-api/room',
    arity: [0, 1],
    call(args, s) {
      if (args.length === 0) return new RoomValue(undefined);
      const collection = collectionOf(s);
      if (collection === undefined || s.node === undefined) throw new ThingsdbError(ErrorCode.LOOKUP_ERROR, `scope \`@${s.node?.scope.kind ?? 'thingsdb'}\` has no stored rooms; you might want to query a \`@collection\` scope?`);
      const key = args[0]!;
      if (typeof key === 'bigint') {
        const room = key >= 0n && key <= BigInt(Number.MAX_SAFE_INTEGER) ? s.node.store.rooms.byId(collection, Number(key)) : undefined;
        if (room === undefined) throw new ThingsdbError(ErrorCode.LOOKUP_ERROR, `collection \`${collection}\` has no \`room\` with id ${key}`);
        return new RoomValue(room);
      }
      if (typeof key === 'string') {
        const room = s.node.store.rooms.byName(collection, key, false);
        if (room === undefined) throw new ThingsdbError(ErrorCode.LOOKUP_ERROR, `collection \`${collection}\` has no \`room\` with name \`${key}\``);
        return new RoomValue(room);
      }
      throw new ThingsdbError(ErrorCode.TYPE_ERROR, `cannot convert type \`${typeName(key)}\` to \`room\``);
    },
  },
  raise: {
    where: 'any',
    doc: 'collection-api/raise',
    arity: [0, 1],
    call(args) {
      const v = args[0];
      if (v === undefined) throw new ThingsdbError(-100, 'error:-100');
      if (typeof v === 'string') throw new ThingsdbError(-100, v);
      if (v instanceof ErrorValue) throw new ThingsdbError(v.code, v.message);
      throw new ThingsdbError(ErrorCode.TYPE_ERROR, `function \`raise\` expects argument 1 to be of type \`error\` or type \`str\` but got type \`${typeName(v)}\` instead${see('collection-api/raise')}`);
    },
  },
  err: {
    where: 'any',
    doc: 'collection-api/err',
    arity: [0, 2],
    call(args, _s, arg) {
      const code = args.length === 0 ? -100n : arg(1, 'int', isInt);
      if (code < -127n || code > -50n) throw new ThingsdbError(ErrorCode.VALUE_ERROR, `function \`err\` expects an error code between -127 and -50 but got ${code} instead${see('collection-api/err')}`);
      const message = args.length < 2 ? (MESSAGES.get(Number(code)) ?? `error:${code}`) : arg(2, 'str', isStr);
      return new ErrorValue(Number(code), message);
    },
  },
};

/** `name(args)`: the scope is checked before the arguments are evaluated, as on the node. */
export function call(name: string, args: readonly Eval[], s: CodeScope): Value {
  const fn = Object.hasOwn(FUNCTIONS, name) ? FUNCTIONS[name]! : undefined;
  if (fn === undefined || (fn.node === true && s.node === undefined)) throw unsupported(`function \`${name}\` is undefined`);
  placed(name, fn.where, s.node?.scope ?? { kind: 'thingsdb' });
  const values = args.map((a) => a(s));
  count(name, fn.doc, values.length, ...fn.arity);
  return fn.call(values, s, (nth, type, ok) => expect(name, fn.doc, nth, values[nth - 1]!, type, ok));
}

// ThingsDB's nil, bool, int and float have no methods at all, and these room methods are none of a
// thing's: for them the node's own answer is certain, and given as it is.
const SCALARS = new Set(['nil', 'bool', 'int', 'float']);
const ROOM_ONLY = new Set(['emit', 'set_name']);

/** `owner.name(args)`. */
export function method(owner: Value, name: string, args: readonly Eval[], s: CodeScope): Value {
  if (isThing(owner)) {
    if (name !== 'id') {
      const what = `thing \`#${idOf(owner) ?? 0}\` has no property or method \`${name}\``;
      throw ROOM_ONLY.has(name) ? new ThingsdbError(ErrorCode.LOOKUP_ERROR, what) : unsupported(what);
    }
    const given = args.map((a) => a(s));
    if (given.length !== 0) throw new ThingsdbError(ErrorCode.NUM_ARGUMENTS, `function \`id\` takes 0 arguments but ${given.length === 1 ? '1 was given' : `${given.length} were given`}${see('data-types/thing/id')}`);
    return idOrNil(idOf(owner));
  }
  if (owner instanceof RoomValue) return roomMethod(owner, name, args.map((a) => a(s)), s);
  const what = `type \`${typeName(owner)}\` has no function \`${name}\``;
  throw SCALARS.has(typeName(owner)) ? new ThingsdbError(ErrorCode.LOOKUP_ERROR, what) : unsupported(what);
}

const idOrNil = (id: number | undefined): Value => (id === undefined ? null : BigInt(id));

function roomMethod(room: RoomValue, name: string, args: Value[], s: CodeScope): Value {
  const doc = `data-types/room/${name}`;
  switch (name) {
    case 'id':
      count('id', doc, args.length, 0, 0);
      return idOrNil(room.room?.id);
    case 'name':
      // Sic: the node names the function `rooom` in this one text.
      count('rooom', doc, args.length, 0, 0);
      return room.room?.name ?? null;
    case 'set_name': {
      count('set_name', doc, args.length, 1, 1);
      const v = args[0]!;
      if (v !== null && typeof v !== 'string') throw new ThingsdbError(ErrorCode.TYPE_ERROR, `function \`set_name\` expects argument 1 to be of type \`str\` or \`nil\` but got type \`${typeName(v)}\` instead${see(doc)}`);
      if (room.room === undefined || s.node === undefined) throw new ThingsdbError(ErrorCode.OPERATION, 'names can only be assigned to stored rooms (a room with an Id)');
      if (v !== null && !NAME.test(v)) throw new ThingsdbError(ErrorCode.VALUE_ERROR, `room name must follow the naming rules${see('overview/names')}`);
      const other = v === null ? undefined : s.node.store.rooms.byName(room.room.collection, v, false);
      if (other !== undefined && other !== room.room) throw new ThingsdbError(ErrorCode.LOOKUP_ERROR, `room \`${v}\` already exists`);
      s.node.store.rooms.rename(room.room, v ?? undefined);
      return null;
    }
    case 'emit': {
      if (args.length === 0) throw new ThingsdbError(ErrorCode.NUM_ARGUMENTS, `function \`emit\` requires at least 1 argument but 0 were given${see(doc)}`);
      let deep = 1;
      if (typeof args[0] === 'bigint') {
        // The node's text has a space before its `; see`.
        if (args.length < 2) throw new ThingsdbError(ErrorCode.NUM_ARGUMENTS, `function \`emit\` requires at least 2 arguments when \`deep\` is used but ${given(args.length)} ${see(doc)}`);
        const d = args.shift()!;
        if ((d as bigint) < 0n || (d as bigint) > 127n) throw new ThingsdbError(ErrorCode.VALUE_ERROR, `expecting a \`deep\` value between 0 and 127 but got ${d} instead`);
        deep = Number(d);
      }
      const event = args.shift()!;
      if (typeof event !== 'string') throw new ThingsdbError(ErrorCode.TYPE_ERROR, `function \`emit\` expects the \`event\` argument to be of type \`str\` but got type \`${typeName(event)}\` instead${see(doc)}`);
      // A room that is not stored has no one in it: nothing to send, as on the node.
      if (room.room !== undefined) s.node?.store.emit(room.room, event, args, deep);
      return null;
    }
    default:
      throw unsupported(`type \`room\` has no function \`${name}\``);
  }
}
