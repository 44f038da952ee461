/**
 * What a stand-alone endpoint holds as a node holds it: its collections (each a root thing and the
 * next free id that its things and rooms share, as in ThingsDB, where ids are per collection), the
 * procedures of each scope, and the rooms. The thingsdb_endpoint operator makes one per flow and
 * names it in every QUERY and RUN it hands on (`meta.thingsdb.store`); the answerer behind it
 * (thingsdb_collection) finds it by that name, so that a query's `room()`, `.emit()`,
 * `new_collection()` and `new_procedure()` act on the very rooms and collections the protocol side
 * serves, synchronously: an emit reaches the room before the query's answer, as on the node.
 */
import { randomUUID } from 'node:crypto';
import { Rooms, type Room, type RoomSeed } from './thingsdb-rooms.js';
import { clearId, Closure, define, fromPlain, idOf, isThing, RoomValue, setId, type Thing, type Value } from './thingsdb-values.js';

export interface Collection {
  readonly name: string;
  readonly root: Thing;
  nextId: number;
  readonly procedures: Map<string, Closure>;
}

/** Who hears a room event a query emits (the endpoint's connections in that room). */
export type EmitListener = (room: Room, event: string, args: readonly Value[], deep: number) => void;

export class Store {
  readonly collections = new Map<string, Collection>();
  readonly rooms = new Rooms((name) => this.nextId(name));
  /** Procedures of the @thingsdb scope. */
  readonly procedures = new Map<string, Closure>();
  /** Procedures every collection has (an answerer's configured ones), after its own. */
  readonly shared = new Map<string, Closure>();
  onEmit: EmitListener | undefined;
  readonly #seeded = new WeakSet<object>();

  constructor(collections: Iterable<string>, rooms: readonly RoomSeed[] = []) {
    for (const name of collections) this.add(name);
    // Rooms with an id first, so that those without one get ids past them.
    for (const seed of rooms) if (seed.id !== undefined) this.#bump(seed.collection, seed.id);
    for (const seed of rooms) this.rooms.add(seed.collection, seed.id ?? this.nextId(seed.collection), seed.name);
  }

  /** A new collection: its root is its first thing (id 1), as on a node. */
  add(name: string): Collection {
    const existing = this.collections.get(name);
    if (existing !== undefined) return existing;
    const root: Thing = {};
    setId(root, 1);
    const collection: Collection = { name, root, nextId: 2, procedures: new Map() };
    this.collections.set(name, collection);
    return collection;
  }

  has(name: string): boolean {
    return this.collections.has(name);
  }

  nextId(name: string): number {
    const collection = this.add(name);
    return collection.nextId++;
  }

  /**
   * The data a collection starts with (once per `owner`, the answerer that brings it): its root's
   * properties, things with a `#` keep that id (and the root's own `#` is the root's id), the rest
   * get the next free ones, in order.
   */
  seed(owner: object, data: Readonly<Record<string, Record<string, unknown>>>): boolean {
    if (this.#seeded.has(owner)) return false;
    this.#seeded.add(owner);
    for (const [name, props] of Object.entries(data)) {
      const collection = this.add(name);
      const given = fromPlain(props) as Thing;
      // An id a room took meanwhile (a JOIN with create_rooms before the first query) is not given twice.
      this.#dropTaken(name, given);
      const rootId = idOf(given);
      if (rootId !== undefined) setId(collection.root, rootId);
      for (const [key, value] of Object.entries(given)) define(collection.root, key, value);
      this.#bump(name, maxId(collection.root));
      this.store(name, collection.root);
    }
    return true;
  }

  /** The procedure `name` of a collection (undefined: of @thingsdb). */
  procedure(collection: string | undefined, name: string): Closure | undefined {
    if (collection === undefined) return this.procedures.get(name);
    return this.add(collection).procedures.get(name) ?? this.shared.get(name);
  }

  /** `value` is now stored in the collection: its things and rooms that have no id get one, parents first. */
  store(name: string, value: Value): void {
    if (Array.isArray(value)) for (const item of value) this.store(name, item);
    else if (value instanceof RoomValue) {
      if (value.room === undefined) value.room = this.rooms.add(name, this.nextId(name), undefined);
    } else if (isThing(value)) {
      if (idOf(value) !== undefined && value !== this.collections.get(name)?.root) return;
      if (idOf(value) === undefined) setId(value, this.nextId(name));
      for (const item of Object.values(value)) this.store(name, item);
    }
  }

  /** A query's `room.emit(deep?, event, ...args)`: args are packed `deep` levels down. */
  emit(room: Room, event: string, args: readonly Value[], deep: number): void {
    this.onEmit?.(room, event, args, deep);
  }

  #dropTaken(name: string, value: Value, seen = new Set<Thing>()): void {
    if (Array.isArray(value)) for (const item of value) this.#dropTaken(name, item, seen);
    if (!isThing(value) || seen.has(value)) return;
    seen.add(value);
    const id = idOf(value);
    if (id !== undefined && this.rooms.byId(name, id) !== undefined) clearId(value);
    for (const item of Object.values(value)) this.#dropTaken(name, item, seen);
  }

  #bump(name: string, id: number): void {
    const collection = this.add(name);
    collection.nextId = Math.max(collection.nextId, id + 1);
  }
}

/** The largest id among a thing and the things in it (a thing already seen is not walked again). */
function maxId(value: Value, seen = new Set<Thing>()): number {
  if (Array.isArray(value)) return Math.max(0, ...value.map((v) => maxId(v, seen)));
  if (!isThing(value) || seen.has(value)) return 0;
  seen.add(value);
  return Math.max(idOf(value) ?? 0, ...Object.values(value).map((v) => maxId(v, seen)));
}

const stores = new Map<string, Store>();

/** Makes `store` findable by the name it returns, until `release`. */
export function register(store: Store): string {
  const handle = randomUUID();
  stores.set(handle, store);
  return handle;
}

export const release = (handle: string): void => void stores.delete(handle);

export const storeOf = (handle: unknown): Store | undefined => (typeof handle === 'string' ? stores.get(handle) : undefined);
