/**
 * The operators of a ThingsDB endpoint, for `use: ['thingsdb-endpoint']`: thingsdb_endpoint (the
 * protocol), thingsdb_answer (answers to QUERY and RUN as packages) and thingsdb_collection (the
 * example answerer). One module, because each code module a flow uses is a load of its own.
 * Used by flows/thingsdb-endpoint.json5.
 */
export { default as thingsdbEndpoint } from './thingsdb-endpoint-operator.js';
export { default as thingsdbAnswer } from './thingsdb-answer.js';
export { default as thingsdbCollection } from './thingsdb-collection.js';
