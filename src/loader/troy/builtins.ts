/**
 * The modules Tremor's own flows use, built in and mapped onto tremolo's standard library
 * (connectors/std.json5, pipelines/std.json5), so `use integration;` works with no TREMOR_PATH.
 * They take precedence over files of the same name on the search path.
 */

/** What a `create` of a built-in definition becomes: an entry of the JSON5 flow. */
export interface BuiltinDefinition {
  /** Its args, each with the conversion from Tremor's value to the std definition's. */
  readonly args: Readonly<Record<string, (value: unknown) => unknown>>;
  /** The flow entry for the given (converted) args. */
  readonly entry: (args: Readonly<Record<string, unknown>>) => Record<string, unknown>;
  /** A connector kind it needs; without it, the definition is refused as not supported yet. */
  readonly needs?: string;
}

export interface BuiltinModule {
  readonly connectors: Readonly<Record<string, BuiltinDefinition>>;
  readonly pipelines: Readonly<Record<string, BuiltinDefinition>>;
}

const same = (v: unknown): unknown => v;

const fromStd = (name: string, args: BuiltinDefinition['args'] = {}): BuiltinDefinition => ({
  args,
  entry: (given) => (Object.keys(given).length === 0 ? { from: `std::${name}` } : { from: `std::${name}`, args: { ...given } }),
});
/** Tremor's exit connector: an event's `delay` is in nanoseconds (`integration::exit` waits 100 ms when it gives none, as std::exit). */
const tremorExit = (config: Record<string, unknown>): BuiltinDefinition => ({ args: {}, entry: () => ({ type: 'exit', config: { ...config, delay_unit: 'ns' } }) });
/** A pipeline that sends `{exit: 0, delay}` to an exit connector: its delay stays in Tremor's nanoseconds. */
const toExit = (name: string): BuiltinDefinition => ({
  args: { delay: same },
  entry: (given) => ({ from: `std::${name}`, args: { delay: 100_000_000, ...given } }),
});
/** std::write_file with Tremor's json codec, which writes bytes as arrays of byte values. */
const writeFile: BuiltinDefinition = {
  args: { file: same },
  entry: (given) => ({ ...fromStd('write_file').entry(given), codec: { name: 'json', config: { mode: 'sorted', bytes: 'array' } } }),
};
const ofKind = (kind: string, needs?: string): BuiltinDefinition => ({ args: {}, entry: () => ({ type: kind }), ...(needs === undefined ? {} : { needs }) });

const TREMOR_CONNECTORS: BuiltinModule = {
  connectors: {
    console: fromStd('console'),
    exit: tremorExit({}),
    metrics: ofKind('metrics', 'metrics'),
    logging: ofKind('logging', 'logging'),
  },
  pipelines: {},
};

export const BUILTIN_MODULES: ReadonlyMap<string, BuiltinModule> = new Map([
  [
    'integration',
    {
      connectors: {
        read_file: fromStd('read_file', { file: same }),
        write_file: writeFile,
        exit: tremorExit({ delay: 100 }),
      },
      pipelines: {
        out_or_exit: toExit('out_or_exit'),
        out_and_exit: toExit('out_and_exit'),
      },
    },
  ],
  ['tremor::connectors', TREMOR_CONNECTORS],
  // The name Tremor's tests used before 0.12.
  ['troy::connectors', TREMOR_CONNECTORS],
  ['tremor::pipelines', { connectors: {}, pipelines: { passthrough: fromStd('passthrough') } }],
]);

/** Modules of functions only (`use std::time::nanos;`): nothing to load, their functions are mapped by name. */
export const isFunctionModule = (path: readonly string[]): boolean => path[0] === 'std' && path.length > 1;
