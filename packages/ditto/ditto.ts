/**
 * Eclipse Ditto's WebSocket service, for `use: ['ditto']`: the `ditto` operator (the protocol,
 * ditto-operator.ts), the `ditto_subscriptions` server extension (control messages and
 * subscriptions on a ws_server, ditto-subscriptions.ts) and the `rql_filter` operator (Ditto's RQL
 * filter language, rql/). Used by flows/ditto.json5.
 */
export { default as ditto } from './ditto-operator.js';
export { default as dittoSubscriptions } from './ditto-subscriptions.js';
export { default as rqlFilter } from './rql-filter.js';
