import { base64 } from './base64.js';
import { chunk } from './chunk.js';
import { collect } from './collect.js';
import { compress } from './compress.js';
import { decompress } from './decompress.js';
import { ingestNs } from './ingest-ns.js';
import { lengthPrefixed } from './length-prefixed.js';
import { removeEmpty } from './remove-empty.js';
import { separate } from './separate.js';
import { textualLengthPrefixed } from './textual-length-prefixed.js';
import { thingsdb } from './thingsdb.js';

/** The built-in pre- and postprocessors. A new processor is one file plus one line here. */
export const builtinProcessors = [
  separate,
  removeEmpty,
  base64,
  decompress,
  compress,
  lengthPrefixed,
  textualLengthPrefixed,
  ingestNs,
  chunk,
  collect,
  thingsdb,
];
