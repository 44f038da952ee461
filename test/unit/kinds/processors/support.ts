import { describeIssues } from '../../../../src/loader/zod-issues.js';
import type { ErrorCode } from '../../../../src/sdk/errors.js';
import type { Meta } from '../../../../src/sdk/event.js';
import type { Processor, ProcessorDefinition } from '../../../../src/sdk/processor-api.js';

export interface Reported {
  readonly code: ErrorCode;
  readonly message: string;
  readonly data: Buffer | undefined;
}

/** A processor's config as the flow loader validates it: `undefined` when named without one. */
export function configOf<C>(def: ProcessorDefinition<C>, config?: unknown): C {
  if (def.config === undefined) return undefined as C;
  const result = def.config.safeParse(config);
  if (!result.success) throw new Error(configProblems(def, config).join('; '));
  return result.data;
}

/** The messages a flow load would report for this config, each prefixed with its path. */
export function configProblems(def: ProcessorDefinition<unknown>, config: unknown): string[] {
  const result = def.config!.safeParse(config);
  if (result.success) return [];
  return describeIssues(result.error.issues, def.config!, config).map((d) => `${d.path.join('.')}: ${d.message}`);
}

export const bytes = (value: string | number[] | Buffer): Buffer =>
  Buffer.isBuffer(value) ? value : typeof value === 'string' ? Buffer.from(value) : Buffer.from(value);

export const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

/** One stream through a processor: feed reads, finish, and look at what came out. Throws escape. */
export class Driver {
  readonly frames: Buffer[] = [];
  readonly metas: Meta[] = [];
  readonly errors: Reported[] = [];
  readonly #out = {
    emit: (data: Buffer, meta: Meta): void => {
      this.frames.push(Buffer.from(data));
      this.metas.push(meta);
    },
    error: (code: ErrorCode, message: string, data?: Buffer): void => {
      this.errors.push({ code, message, data });
    },
  };

  constructor(readonly processor: Processor) {}

  feed(chunks: ReadonlyArray<string | number[] | Buffer>, meta: Meta = {}): this {
    for (const chunk of chunks) this.processor.process(bytes(chunk), meta, this.#out);
    return this;
  }

  finish(): this {
    this.processor.finish?.(this.#out);
    return this;
  }

  get texts(): string[] {
    return this.frames.map((f) => f.toString('utf8'));
  }

  get messages(): string[] {
    return this.errors.map((e) => `${e.code} ${e.message}`);
  }
}

export const pre = <C>(def: ProcessorDefinition<C>, config?: unknown): Driver => new Driver(def.pre!(configOf(def, config)));
export const post = <C>(def: ProcessorDefinition<C>, config?: unknown): Driver => new Driver(def.post!(configOf(def, config)));
