/**
 * Rules of a ThingsDB node (1.9) that the stand-alone endpoint follows to the byte: the scope its
 * room events name, how an EMIT finds its room, the deprecated WATCH requests, and the links to
 * the documentation the node appends to some error texts (DOC_* in its doc.h).
 */
import { ErrorCode, ThingsdbError } from './thingsdb-protocol.js';
import type { Room, Rooms } from './thingsdb-rooms.js';

const DOCS = 'https://docs.thingsdb.io/v1/';
export const DOC_SOCKET_QUERY = `; see ${DOCS}connect/socket/query`;
export const DOC_NAMES = `; see ${DOCS}overview/names`;
export const DOC_LISTENING = `; see ${DOCS}listening`;

/** Deprecated since ThingsDB 1.0; the node still answers them with OK, authenticated or not. */
export const REQ_WATCH = 35;
export const REQ_UNWATCH = 36;

const NAME = /^[A-Za-z_][0-9A-Za-z_]{0,254}$/;

/** The scope in a room event: the node writes the collection's scope in full, however it was asked. */
export const scopeOf = (collection: string): string => `@collection:${collection}`;

/** The room an EMIT names, by id or by name, or the node's error for it. */
export function emitRoom(rooms: Rooms, collection: string, id: unknown): Room {
  if (typeof id === 'string') {
    const room = rooms.byName(collection, id, false);
    if (room !== undefined) return room;
    if (NAME.test(id)) throw new ThingsdbError(ErrorCode.LOOKUP_ERROR, `collection \`${collection}\` has no \`room\` with name \`${id}\``);
    throw new ThingsdbError(ErrorCode.VALUE_ERROR, `room name must follow the naming rules${DOC_NAMES}`);
  }
  if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) {
    const room = rooms.byId(collection, id);
    if (room !== undefined) return room;
    throw new ThingsdbError(ErrorCode.LOOKUP_ERROR, `collection \`${collection}\` has no \`room\` with id ${id}`);
  }
  throw new ThingsdbError(ErrorCode.BAD_DATA, `emit request only accepts an integer room id or string room name${DOC_LISTENING}`);
}
