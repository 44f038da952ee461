import type { DefineOperator, WithEntry } from '../../lang/troy/ast.js';
import { TroyError, unsupported, type Place } from '../../lang/troy/errors.js';
import { evaluate, wholeNumberSetting, type EvalScope } from './evaluate.js';

/** A Tremor operator as a tremolo operator: its name and config. */
export interface OperatorStep {
  readonly op: string;
  readonly config: Record<string, unknown>;
}

type Settings = Readonly<Record<string, { readonly value: unknown; readonly at: Place }>>;

interface TremorOperator {
  /** The settings Tremor's operator takes. */
  readonly known: readonly string[];
  readonly compile: (settings: Settings, at: Place) => OperatorStep;
}

const wholeNumber = (s: Settings, key: string, min: number): number | undefined => {
  const entry = s[key];
  return entry === undefined ? undefined : wholeNumberSetting(key, entry.value, entry.at, `a whole number, at least ${min}`, min);
};

/** Tremor's operators that have a counterpart among tremolo's; Tremor counts time in nanoseconds. */
const TREMOR_OPERATORS: Readonly<Record<string, TremorOperator>> = {
  'generic::batch': {
    known: ['count', 'timeout'],
    compile: (s) => {
      const timeout = wholeNumber(s, 'timeout', 1);
      // Tremor's batch holds 1000 events unless told otherwise.
      return { op: 'batch', config: { count: wholeNumber(s, 'count', 1) ?? 1000, ...(timeout === undefined ? {} : { timeout_ms: timeout / 1e6 }) } };
    },
  },
  'grouper::bucket': { known: [], compile: () => ({ op: 'bucket', config: {} }) },
  'qos::backpressure': {
    known: ['timeout', 'steps', 'method'],
    compile: (s) => {
      const method = s.method?.value ?? 'discard';
      if (method !== 'discard' && method !== 'pause') throw new TroyError('ERR_CONFIG_INVALID', s.method!.at, `method is "discard" or "pause", received ${JSON.stringify(method)}`);
      // Tremor's timeout and steps tune when it starts discarding; tremolo's sinks say when they cannot take events.
      return { op: 'backpressure', config: { method } };
    },
  },
  'qos::roundrobin': {
    known: ['outputs'],
    compile: (s, at) => {
      const outputs = s.outputs?.value ?? ['out'];
      if (!Array.isArray(outputs) || outputs.length === 0 || !outputs.every((o) => typeof o === 'string')) {
        throw new TroyError('ERR_CONFIG_INVALID', s.outputs?.at ?? at, `outputs is a list of port names, received ${JSON.stringify(outputs)}`);
      }
      return { op: 'roundrobin', config: { ports: outputs } };
    },
  },
};

/** Tremor's operators that tremolo does not have (yet): refused as not supported, not as unknown. */
const NOT_YET: Readonly<Record<string, string>> = {
  'generic::counter': 'it counts events in operator state; a window with aggr::stats::count does the same per window',
  'debug::history': 'tremolo keeps no history of operators in the metadata',
  'qos::percentile': 'drop a share of events with a select: where random::float() < p',
  passthrough: 'a select of event does the same: select event from in into out',
};

/**
 * `define operator NAME from KIND with ... end` with the settings of one `create ... with`, as a
 * tremolo operator. An unknown kind is refused in Tremor's words (`Unknown operator: op::unknown`).
 */
export function compileOperator(def: DefineOperator, given: readonly WithEntry[], scope: EvalScope): OperatorStep {
  const kind = def.operatorKind.path.join('::');
  const known = TREMOR_OPERATORS[kind];
  if (known === undefined) {
    if (NOT_YET[kind] !== undefined) throw unsupported(def.operatorKind.at, `operator ${kind}`, NOT_YET[kind]);
    throw new TroyError('ERR_KIND_UNKNOWN', def.operatorKind.at, `Unknown operator: ${kind}; tremolo has: ${[...Object.keys(TREMOR_OPERATORS)].join(', ')}`);
  }
  const settings: Record<string, { value: unknown; at: Place }> = {};
  for (const entry of [...def.with, ...given]) {
    if (!known.known.includes(entry.name)) {
      throw new TroyError('ERR_CONFIG_INVALID', entry.at, `unknown setting ${JSON.stringify(entry.name)} of ${kind}; known: ${known.known.join(', ') || '(none)'}`);
    }
    settings[entry.name] = { value: evaluate(entry.value, scope), at: entry.value.at };
  }
  return known.compile(settings, def.at);
}
