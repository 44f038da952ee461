import type { CodecDefinition, ConnectorDefinition, OperatorDefinition, ProcessorDefinition } from 'tremolo';

/** The config of the `countdown` connector, as its schema gives it (defaults filled in). */
export interface CountdownConfig {
  /** The first number; the last is 0. */
  from: number;
  /** Pause between events, in milliseconds; 0 sends them as fast as flow control allows. */
  interval_ms: number;
}

/** The config of the `netstring` processor. */
export interface NetstringConfig {
  /** The largest frame accepted, in bytes. */
  max_length: number;
}

/** The config of the `every_nth` operator. */
export interface EveryNthConfig {
  /** Let one event in n through. */
  n: number;
}

/** Emits `{ remaining }` from `from` down to 0, `interval_ms` apart, then ends its stream. */
export declare const countdown: ConnectorDefinition<CountdownConfig>;
/** One logfmt line to a record and back; takes no config. */
export declare const logfmt: CodecDefinition<undefined>;
/** Netstrings (`5:hello,`) in and out. */
export declare const netstring: ProcessorDefinition<NetstringConfig>;
/** Every `n`th event to `out`, the others to `skipped`. */
export declare const everyNth: OperatorDefinition<EveryNthConfig>;
