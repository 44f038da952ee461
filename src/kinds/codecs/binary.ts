import { defineCodec } from '../../sdk/codec-api.js';
import { stringifyExact } from './json-numbers.js';

export const binary = defineCodec({
  name: 'binary',
  description: 'Bytes as they are (a Buffer). Strings are written as UTF-8, other values as JSON (bigints as exact integers).',
  binary: true,
  mimeTypes: ['application/octet-stream'],
  create() {
    return {
      decode: (data) => data,
      encode(value) {
        if (Buffer.isBuffer(value)) return value;
        if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
        if (typeof value === 'string') return Buffer.from(value);
        const text = stringifyExact(value);
        if (text === undefined) throw new Error(`a ${typeof value} has no binary form`);
        return Buffer.from(text);
      },
    };
  },
});
