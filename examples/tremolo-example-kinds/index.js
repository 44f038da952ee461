// @ts-check
/**
 * tremolo-example-kinds: what a flow gets with `use: ['tremolo-example-kinds']`. tremolo registers
 * every definition this module exports (made with defineConnector, defineCodec, defineProcessor or
 * defineOperator), whatever the export is called.
 */
export { countdown } from './countdown.js';
export { logfmt } from './logfmt.js';
export { netstring } from './netstring.js';
export { everyNth } from './every-nth.js';
