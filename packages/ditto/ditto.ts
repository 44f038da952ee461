/**
 * Eclipse Ditto's WebSocket service, for `use: ['ditto']`: the `ditto` operator (the protocol,
 * packages/ditto/ditto-operator.ts). Used by flows/ditto.json5.
 */
export { default as ditto } from './ditto-operator.js';
