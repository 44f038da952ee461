import { defineProcessor } from '../../sdk/processor-api.js';

const CANONICAL = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const ALPHABET = /[^A-Za-z0-9+/=]/;

/** Why `text` is not canonical base64, for the error message. */
function problem(text: string): string {
  const bad = ALPHABET.exec(text);
  if (bad !== null) return `byte 0x${text.charCodeAt(bad.index).toString(16).padStart(2, '0')} at ${bad.index} is not in the base64 alphabet (A-Z, a-z, 0-9, +, /)`;
  if (text.length % 4 !== 0) return `length ${text.length} is not a multiple of 4 (missing "=" padding?)`;
  return `"=" padding at ${text.indexOf('=')} is not at the end`;
}

export const base64 = defineProcessor({
  name: 'base64',
  description: 'In: decodes each chunk from standard base64 (padded, no line breaks). Out: encodes each frame to base64.',
  pre: () => ({
    process(data, meta, out) {
      // Buffer.from(…, 'base64') skips anything it does not understand; check first so bad input is an error.
      const text = data.toString('latin1');
      if (!CANONICAL.test(text)) {
        out.error('ERR_PROCESSOR_FAILED', `base64: ${problem(text)}`, data);
        return;
      }
      out.emit(Buffer.from(text, 'base64'), meta);
    },
  }),
  post: () => ({
    process(data, meta, out) {
      out.emit(Buffer.from(data.toString('base64'), 'latin1'), meta);
    },
  }),
});
