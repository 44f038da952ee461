import { base64 } from '../../kinds/processors/base64.js';
import { chunk } from '../../kinds/processors/chunk.js';
import { collect } from '../../kinds/processors/collect.js';
import { compress } from '../../kinds/processors/compress.js';
import { decompress } from '../../kinds/processors/decompress.js';
import { ingestNs } from '../../kinds/processors/ingest-ns.js';
import { lengthPrefixed } from '../../kinds/processors/length-prefixed.js';
import { removeEmpty } from '../../kinds/processors/remove-empty.js';
import { separate } from '../../kinds/processors/separate.js';
import { streamingCompress } from '../../kinds/processors/streaming-compress.js';
import { textualLengthPrefixed } from '../../kinds/processors/textual-length-prefixed.js';

/** The built-in pre- and postprocessors. A new processor is one file plus one line here. */
export const builtinProcessors = [
  separate,
  removeEmpty,
  base64,
  decompress,
  compress,
  streamingCompress,
  lengthPrefixed,
  textualLengthPrefixed,
  ingestNs,
  chunk,
  collect,
];
