/**
 * The values of the stand-alone endpoint's query language, as ThingsDB has them: an int is a bigint
 * (64 bits, exact beyond 2^53) and a float a number, so `1.0` stays a float; things are plain
 * objects whose `#` id, once they are stored in a collection, is kept beside them (a WeakMap: the
 * id is not a property a query can read or overwrite); rooms, errors and closures are values of
 * their own. Things compare by identity, as in ThingsDB (`{} == {}` is false).
 */
import type { Room } from './thingsdb-rooms.js';

export type Value = null | boolean | bigint | number | string | Buffer | Value[] | Thing | RoomValue | ErrorValue | Closure;
export interface Thing {
  [key: string]: Value;
}

/** A room: `room()` makes one without an id; it gets one (and becomes joinable) once stored. */
export class RoomValue {
  constructor(public room: Room | undefined) {}
}

/** `err(code, msg)`: raised with `raise`, packed as its message. */
export class ErrorValue {
  constructor(
    readonly code: number,
    readonly message: string,
  ) {}
}

/** `|a, b| body`: kept as its source, which is also how the node packs it. */
export class Closure {
  /** How many calls of it are under way (the node allows 24 at once: recursion is bounded). */
  depth = 0;

  constructor(
    readonly params: readonly string[],
    readonly body: string,
    readonly source: string,
  ) {}
}

const ids = new WeakMap<Thing, number>();

/** A thing's `#` id: undefined until it is stored in a collection. */
export const idOf = (thing: Thing): number | undefined => ids.get(thing);
export const setId = (thing: Thing, id: number): void => void ids.set(thing, id);
export const clearId = (thing: Thing): void => void ids.delete(thing);

export const isThing = (v: Value | undefined): v is Thing =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof RoomValue) && !(v instanceof ErrorValue) && !(v instanceof Closure);

export function typeName(v: Value): string {
  if (v === null) return 'nil';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'string') return 'str';
  if (Buffer.isBuffer(v)) return 'bytes';
  if (Array.isArray(v)) return 'list';
  if (v instanceof RoomValue) return 'room';
  if (v instanceof ErrorValue) return 'error';
  if (v instanceof Closure) return 'closure';
  return 'thing';
}

/** A property as data, even `__proto__`: a query must not reach the objects' prototypes. */
export function define(owner: Record<string, Value>, name: string, value: Value): void {
  Object.defineProperty(owner, name, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * A value from outside the language (decoded MessagePack, JSON): integers become ints; a map's
 * `#` key (as ThingsDB writes stored things) is the thing's id, not a property.
 */
export function fromPlain(v: unknown): Value {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : v;
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'bigint' || typeof v === 'string' || Buffer.isBuffer(v)) return v;
  if (Array.isArray(v)) return v.map(fromPlain);
  if (typeof v === 'object') {
    const thing: Thing = {};
    for (const [key, item] of Object.entries(v)) {
      if (key === '#' && typeof item === 'number' && Number.isSafeInteger(item) && item > 0) setId(thing, item);
      else define(thing, key, fromPlain(item));
    }
    return thing;
  }
  return String(v);
}

/** ThingsDB's `==`: ints and floats by value, lists item by item, things and rooms by identity. */
export function equal(a: Value, b: Value): boolean {
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number')) return a == b;
  if (Buffer.isBuffer(a) || Buffer.isBuffer(b)) return Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b);
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]!));
  if (a instanceof RoomValue && b instanceof RoomValue) return a === b || (a.room !== undefined && a.room === b.room);
  return a === b;
}

export const truthy = (v: Value): boolean =>
  v !== null &&
  v !== false &&
  v !== 0 &&
  v !== 0n &&
  v !== '' &&
  !(Buffer.isBuffer(v) && v.length === 0) &&
  !(Array.isArray(v) && v.length === 0) &&
  !(isThing(v) && Object.keys(v).length === 0);
