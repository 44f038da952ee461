import { brand } from './brand.js';
import type { z } from 'zod';
import type { Meta } from './event.js';

/** What a codec writes: bytes, or a string when the value is text (a text frame needs no re-validation). */
export type Frame = Buffer | string;

export interface Codec {
  /** Bytes to a value; `undefined` means "nothing here" (not an error). Throw for bad input. */
  decode(data: Buffer, meta: Meta): unknown;
  /** A value to bytes or text. Throw for a value the codec cannot represent. */
  encode(value: unknown, meta: Meta): Frame;
}

export interface CodecDefinition<C = unknown> {
  readonly name: string;
  readonly description: string;
  /** Validates `{ name, config }`; absent means the codec takes no config. */
  readonly config?: z.ZodType<C>;
  /** True when encoded output is binary, not text: WebSocket sinks then send binary frames. */
  readonly binary?: boolean;
  /** Mime types this codec stands for (used by http connectors to pick a codec). */
  readonly mimeTypes?: readonly string[];
  create(config: C): Codec;
}

/** Identity helper: gives a codec definition its type, as built-ins and users write them. */
export const defineCodec = <C = undefined>(def: CodecDefinition<C>): CodecDefinition<C> => brand(def, 'codec');
