import { brand } from './brand.js';
import type { z } from 'zod';
import type { ErrorCode } from './errors.js';
import type { Meta } from './event.js';

/** Where a processor hands its output; errors go to the connector's `err` port with an excerpt. */
export interface ProcessorOutput {
  emit(data: Buffer, meta: Meta): void;
  error(code: ErrorCode, message: string, data?: Buffer): void;
}

/** One instance per stream (per connection): state such as a partial line lives here. */
export interface Processor {
  process(data: Buffer, meta: Meta, out: ProcessorOutput): void;
  /** The stream ended: hand over whatever is still buffered. */
  finish?(out: ProcessorOutput): void;
}

export interface ProcessorDefinition<C = unknown> {
  readonly name: string;
  readonly description: string;
  /**
   * Validates the config; it receives `undefined` when the processor is named without a config, so a
   * schema can give that case its own defaults (Tremor's `separate` does).
   */
  readonly config?: z.ZodType<C>;
  /** Present when the processor can run before the codec, on the way in. */
  pre?(config: C): Processor;
  /** Present when the processor can run after the codec, on the way out. */
  post?(config: C): Processor;
}

export const defineProcessor = <C = undefined>(def: ProcessorDefinition<C>): ProcessorDefinition<C> => brand(def, 'processor');
