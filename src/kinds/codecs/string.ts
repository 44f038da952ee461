import { isUtf8 } from 'node:buffer';
import { defineCodec } from '../../sdk/codec-api.js';
import { stringifyExact } from './json-numbers.js';

export const string = defineCodec({
  name: 'string',
  description: 'UTF-8 text to a string and back; invalid UTF-8 is an error. Other values are written as JSON (bigints as exact integers).',
  mimeTypes: ['text/plain', 'text/html'],
  create() {
    return {
      decode(data) {
        if (!isUtf8(data)) throw new Error('invalid UTF-8 for the string codec');
        return data.toString('utf8');
      },
      encode(value) {
        if (typeof value === 'string') return value;
        if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
        const text = stringifyExact(value);
        if (text === undefined) throw new Error(`a ${typeof value} has no text form`);
        return text;
      },
    };
  },
});
