/**
 * The operator of the ThingsDB gateway, for `use: ['thingsdb-gateway']`: thingsdb_gateway (the
 * checks in front of real nodes). Used by flows/thingsdb-gateway.json5.
 */
export { default as thingsdbGateway } from './thingsdb-gateway-operator.js';
