import type { Codec, Frame } from '../sdk/codec-api.js';
import { reason, type ErrorCode } from '../sdk/errors.js';
import type { Meta, TremoloEvent } from '../sdk/event.js';
import type { Logger } from '../sdk/logger.js';
import type { Processor, ProcessorOutput } from '../sdk/processor-api.js';

export interface SerializerHost {
  readonly alias: string;
  readonly log: Logger;
  readonly codec: Codec | undefined;
  createPostprocessors(): Processor[];
  fail(event: TremoloEvent, code: ErrorCode, message: string): void;
}

interface Chain {
  readonly processors: Processor[];
  /** Frames produced by the current call, collected by the last output. */
  frames: Frame[];
  readonly head: ProcessorOutput;
  readonly outputs: ProcessorOutput[];
  failure: { code: ErrorCode; message: string } | undefined;
}

/**
 * The way out: codec, then postprocessors with state per target stream. The codec runs once per
 * event even when the event goes to many streams (a broadcast); postprocessors run per stream.
 */
export class SinkSerializer {
  readonly #host: SerializerHost;
  readonly #chains = new Map<number, Chain>();
  readonly #hasPost: boolean;
  #lastEvent: TremoloEvent | undefined;
  #lastFrame: Frame | undefined;

  constructor(host: SerializerHost) {
    this.#host = host;
    this.#hasPost = host.createPostprocessors().length > 0;
  }

  serialize(event: TremoloEvent, stream: number): Frame[] | undefined {
    let frame: Frame;
    if (event === this.#lastEvent) frame = this.#lastFrame!;
    else {
      const codec = this.#host.codec;
      try {
        frame = codec === undefined ? toFrame(event.data) : codec.encode(event.data, event.meta);
      } catch (err) {
        this.#host.fail(event, 'ERR_CODEC_ENCODE', `${this.#host.alias}: cannot encode: ${reason(err)}`);
        return undefined;
      }
      this.#lastEvent = event;
      this.#lastFrame = frame;
    }
    if (!this.#hasPost) return [frame];
    const chain = this.#chain(stream);
    chain.frames = [];
    chain.failure = undefined;
    try {
      chain.head.emit(typeof frame === 'string' ? Buffer.from(frame) : frame, event.meta);
    } catch (err) {
      chain.failure = { code: 'ERR_PROCESSOR_FAILED', message: reason(err) };
    }
    if (chain.failure !== undefined) {
      this.#host.fail(event, chain.failure.code, `${this.#host.alias}: ${chain.failure.message}`);
      return undefined;
    }
    return chain.frames;
  }

  /** The stream is gone: what its postprocessors still held (e.g. `collect`), and forget it. */
  end(stream: number): Frame[] {
    const chain = this.#chains.get(stream);
    if (chain === undefined) return [];
    this.#chains.delete(stream);
    chain.frames = [];
    chain.processors.forEach((p, i) => {
      chain.failure = undefined;
      try {
        p.finish?.(chain.outputs[i]!);
      } catch (err) {
        chain.failure = { code: 'ERR_PROCESSOR_FAILED', message: reason(err) };
      }
      // No event is left to fail at a stream's end: the loss is logged, not silent.
      if (chain.failure !== undefined) this.#host.log.warn(`${this.#host.alias}: stream ${stream} ended: ${chain.failure.message}`);
    });
    return chain.frames;
  }

  #chain(stream: number): Chain {
    let chain = this.#chains.get(stream);
    if (chain !== undefined) return chain;
    const processors = this.#host.createPostprocessors();
    const partial: Partial<Chain> & { frames: Frame[]; failure: Chain['failure'] } = { processors, frames: [], failure: undefined };
    const error = (code: ErrorCode, message: string): void => {
      partial.failure = { code, message };
    };
    let next: ProcessorOutput = { emit: (data: Buffer, _meta: Meta) => partial.frames.push(data), error };
    const outputs: ProcessorOutput[] = [];
    for (let i = processors.length - 1; i >= 0; i--) {
      const p = processors[i]!;
      const downstream = next;
      outputs.unshift(downstream);
      next = { emit: (data, meta) => p.process(data, meta, downstream), error };
    }
    chain = Object.assign(partial, { head: next, outputs }) as Chain;
    this.#chains.set(stream, chain);
    return chain;
  }
}

/** Without a codec (structured sinks), bytes and text pass as they are; other values as JSON. */
function toFrame(data: unknown): Frame {
  if (typeof data === 'string' || Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return JSON.stringify(data);
}
