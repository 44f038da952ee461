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
/** Tremor's exit delays are nanoseconds; tremolo's are milliseconds. */
const nanosToMillis = (v: unknown): unknown => (typeof v === 'number' ? v / 1e6 : v);

const fromStd = (name: string, args: BuiltinDefinition['args'] = {}): BuiltinDefinition => ({
  args,
  entry: (given) => (Object.keys(given).length === 0 ? { from: `std::${name}` } : { from: `std::${name}`, args: { ...given } }),
});
const ofKind = (kind: string, needs?: string): BuiltinDefinition => ({ args: {}, entry: () => ({ type: kind }), ...(needs === undefined ? {} : { needs }) });

const TREMOR_CONNECTORS: BuiltinModule = {
  connectors: {
    console: fromStd('console'),
    exit: ofKind('exit'),
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
        write_file: fromStd('write_file', { file: same }),
        exit: fromStd('exit'),
      },
      pipelines: {
        out_or_exit: fromStd('out_or_exit', { delay: nanosToMillis }),
        out_and_exit: fromStd('out_and_exit', { delay: nanosToMillis }),
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
