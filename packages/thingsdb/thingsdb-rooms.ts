/**
 * The rooms of an endpoint's collections and the connections that joined them. In ThingsDB a room
 * is a value made by a query (`room()`) that gets its id, from its collection's ids, when it is
 * stored; the endpoint also has the rooms it is given and, with `create_rooms`, makes a room named
 * in a JOIN the first time it is joined, so that clients can meet by name without a query.
 */

export interface Room {
  readonly id: number;
  readonly collection: string;
  name: string | undefined;
  /** Keys of the connections that joined it. */
  readonly listeners: Set<string>;
}

export interface RoomSeed {
  readonly collection: string;
  readonly id?: number | undefined;
  readonly name?: string | undefined;
}

export class Rooms {
  readonly #byId = new Map<string, Room>();
  readonly #byName = new Map<string, Room>();

  /** `allocate` gives the next free id of a collection (rooms and things share them, as in ThingsDB). */
  constructor(private readonly allocate: (collection: string) => number) {}

  byId(collection: string, id: number): Room | undefined {
    return this.#byId.get(`${collection}\0${id}`);
  }

  /** The room of that name in the collection; with `create`, a new one when there is none. */
  byName(collection: string, name: string, create: boolean): Room | undefined {
    const room = this.#byName.get(`${collection}\0${name}`);
    if (room !== undefined || !create) return room;
    return this.add(collection, this.allocate(collection), name);
  }

  add(collection: string, id: number, name: string | undefined): Room {
    if (this.#byId.has(`${collection}\0${id}`)) throw new Error(`room ${id} of ${collection} is defined twice`);
    const room: Room = { id, collection, name: undefined, listeners: new Set() };
    this.#byId.set(`${collection}\0${id}`, room);
    if (name !== undefined) this.rename(room, name);
    return room;
  }

  /** Gives the room a name (ThingsDB's `set_name`); the name of another room of the collection is refused by the caller. */
  rename(room: Room, name: string | undefined): void {
    if (room.name !== undefined) this.#byName.delete(`${room.collection}\0${room.name}`);
    room.name = name;
    if (name !== undefined) this.#byName.set(`${room.collection}\0${name}`, room);
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
}
