import { binary } from './binary.js';
import { json } from './json.js';
import { string } from './string.js';

/** The built-in codecs. A new codec is one file plus one line here. */
export const builtinCodecs = [json, string, binary];
