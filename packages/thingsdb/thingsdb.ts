/**
 * ThingsDB's package framing, for `use: ['thingsdb']`: the `thingsdb` processor (thingsdb-framing.ts)
 * that the connector definitions beside it (thingsdb.json5: `thingsdb::client`, `thingsdb::endpoint`)
 * put before and after the msgpack codec. The module loads with them, under the same name.
 */
export { default as thingsdb } from './thingsdb-framing.js';
