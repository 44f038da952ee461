import type { Codec } from '../sdk/codec-api.js';
import type { SourceStream } from '../sdk/connector-api.js';
import { reason, type ErrorCode } from '../sdk/errors.js';
import { createEvent, Transaction, type Meta, type Origin, type Outcome, type TremoloEvent } from '../sdk/event.js';
import { errorData } from '../sdk/error-data.js';
import type { Processor, ProcessorOutput } from '../sdk/processor-api.js';

/** What a stream needs from its connector host. */
export interface StreamHost {
  readonly id: number;
  readonly alias: string;
  readonly codec: Codec | undefined;
  createPreprocessors(): Processor[];
  emit(port: string, event: TremoloEvent): void;
  streamEnded(stream: number): void;
}


const NONE: readonly never[] = Object.freeze([]);

/**
 * One stream of a source: bytes → preprocessors (state per stream) → codec → an event on `out`.
 * Its origins and processor chain are built once, so a frame costs a decode and an event, no more.
 */
export class Stream implements SourceStream, ProcessorOutput {
  readonly origins: readonly Origin[];
  readonly #host: StreamHost;
  readonly #processors: readonly Processor[];
  readonly #outputs: readonly ProcessorOutput[];
  readonly #head: ProcessorOutput;
  #ended = false;
  /** While `push` runs: the first error it reported, which `push` returns. */
  #pushing = false;
  #firstError: string | undefined;
  /** While a transactional `push` runs: the transaction its events share. */
  #tx: Transaction | undefined;

  constructor(
    host: StreamHost,
    readonly id: number,
    readonly meta: Meta,
    origins?: readonly Origin[],
  ) {
    this.#host = host;
    this.origins = Object.freeze(origins ?? [Object.freeze({ connector: host.id, stream: id })]);
    const processors = host.createPreprocessors();
    // The stream itself is the last output (what reaches it is decoded): a stream without
    // preprocessors, a ws_server connection, holds no chain at all.
    if (processors.length === 0) {
      this.#processors = NONE;
      this.#outputs = NONE;
      this.#head = this;
      return;
    }
    this.#processors = processors;
    const error = (code: ErrorCode, message: string, data?: Buffer): void => this.error(code, message, data);
    let next: ProcessorOutput = this;
    const outputs: ProcessorOutput[] = [];
    for (let i = processors.length - 1; i >= 0; i--) {
      const processor = processors[i]!;
      const downstream = next;
      outputs.unshift(downstream);
      next = { emit: (data, meta) => processor.process(data, meta, downstream), error };
    }
    this.#outputs = outputs;
    this.#head = next;
  }

  /** The bytes of one frame, after the preprocessors: decoded into an event. */
  emit(data: Buffer, meta: Meta): void {
    this.#decode(data, meta);
  }

  push(data: Buffer, meta: Meta = this.meta, outcome?: Outcome): string | undefined {
    this.#firstError = undefined;
    this.#pushing = true;
    const tx = outcome === undefined ? undefined : new Transaction(outcome);
    this.#tx = tx;
    try {
      this.#head.emit(data, meta);
    } catch (err) {
      this.error('ERR_PROCESSOR_FAILED', `${this.#host.alias}: ${reason(err)}`, data);
    }
    this.#pushing = false;
    if (tx !== undefined) {
      this.#tx = undefined;
      tx.ack();
    }
    return this.#firstError;
  }

  pushValue(value: unknown, meta: Meta = this.meta, port = 'out', outcome?: Outcome): void {
    if (outcome === undefined) {
      this.#host.emit(port, createEvent(value, meta, this.origins));
      return;
    }
    const tx = new Transaction(outcome);
    this.#host.emit(port, createEvent(value, meta, this.origins, undefined, tx));
    tx.ack();
  }

  error(code: ErrorCode, message: string, data?: Buffer): void {
    const text = message.startsWith(`${this.#host.alias}: `) ? message : `${this.#host.alias}: ${message}`;
    if (this.#pushing && this.#firstError === undefined) this.#firstError = text;
    this.#host.emit('err', createEvent(errorData(code, text, this.#host.alias, this.id, data), this.meta, this.origins));
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    // Each processor's remainder passes through the processors after it before they finish.
    this.#processors.forEach((p, i) => {
      try {
        p.finish?.(this.#outputs[i]!);
      } catch (err) {
        this.error('ERR_PROCESSOR_FAILED', reason(err));
      }
    });
    this.#host.streamEnded(this.id);
  }

  #decode(data: Buffer, meta: Meta): void {
    const codec = this.#host.codec;
    let value: unknown;
    if (codec === undefined) value = data;
    else {
      try {
        value = codec.decode(data, meta);
      } catch (err) {
        this.error('ERR_CODEC_DECODE', reason(err), data);
        return;
      }
    }
    if (value !== undefined) this.#host.emit('out', createEvent(value, meta, this.origins, undefined, this.#tx));
  }
}
