/**
 * The rooms of an endpoint's collections and the connections that joined them. In ThingsDB a room
 * is a value made by a query (`room()`); the example endpoint has the rooms it is given, and, with
 * `create_rooms`, makes a room named in a JOIN the first time it is joined, so that clients can meet
 * by name without a query language.
 */

export interface Room {
  readonly id: number;
  readonly collection: string;
  readonly name: string | undefined;
  /** Keys of the connections that joined it. */
  readonly listeners: Set<string>;
}

export interface RoomSeed {
  readonly collection: string;
  readonly id?: number | undefined;
  readonly name?: string | undefined;
}

export class Rooms {
  readonly #byId = new Map<number, Room>();
  readonly #byName = new Map<string, Room>();
  #nextId: number;

  constructor(seeds: readonly RoomSeed[]) {
    this.#nextId = Math.max(0, ...seeds.map((s) => s.id ?? 0)) + 1;
    for (const seed of seeds) this.#add(seed.collection, seed.id ?? this.#nextId++, seed.name);
  }

  byId(collection: string, id: number): Room | undefined {
    const room = this.#byId.get(id);
    return room?.collection === collection ? room : undefined;
  }

  /** The room of that name in the collection; with `create`, a new one when there is none. */
  byName(collection: string, name: string, create: boolean): Room | undefined {
    const room = this.#byName.get(`${collection}\0${name}`);
    if (room !== undefined || !create) return room;
    return this.#add(collection, this.#nextId++, name);
  }

  /** Whether the connection joined it just now (false when it had joined before). */
  join(room: Room, listener: string): boolean {
    if (room.listeners.has(listener)) return false;
    room.listeners.add(listener);
    return true;
  }

  /** Whether the connection had joined it. */
  leave(room: Room, listener: string): boolean {
    return room.listeners.delete(listener);
  }

  /** A connection closed: it leaves every room, and is told nothing. */
  forget(listener: string): void {
    for (const room of this.#byId.values()) room.listeners.delete(listener);
  }

  #add(collection: string, id: number, name: string | undefined): Room {
    if (this.#byId.has(id)) throw new Error(`room ${id} is defined twice`);
    const room: Room = { id, collection, name, listeners: new Set() };
    this.#byId.set(id, room);
    if (name !== undefined) this.#byName.set(`${collection}\0${name}`, room);
    return room;
  }
}
