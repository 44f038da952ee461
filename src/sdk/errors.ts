import { redactUrls } from './redact.js';

/**
 * The one error type of tremolo. Codes follow `ERR_<AREA>_<WHAT>` and are listed in the README, so
 * callers and tests match on `code`, never on message text alone.
 */
/** Every error code and what it means; the README's table is generated from this. */
export const ERROR_CODES = {
  ERR_FLOW_PARSE: "a flow or module file is not valid JSON5",
  ERR_FLOW_INVALID: "a flow has problems (the error lists each with file:line:column)",
  ERR_FLOW_READ: "a flow or module file cannot be read, or a file source cannot be read",
  ERR_MODULE_NOT_FOUND: "a module named in `use` is not on the search path",
  ERR_MODULE_INVALID: "a module cannot be loaded, holds links, uses itself, or exports no definitions",
  ERR_KIND_UNKNOWN: "an unknown connector type, codec, processor, operator or definition name",
  ERR_KIND_DUPLICATE: "a code module defines a name that already exists",
  ERR_ARG_UNKNOWN: "an arg that the flow or definition does not declare",
  ERR_ARG_INVALID: "a `${...}` placeholder that cannot be resolved",
  ERR_CONFIG_INVALID: "a config value of the wrong type or out of range, or an unknown key",
  ERR_PORT_INVALID: "a link to a port the connector, pipeline or operator does not have",
  ERR_LINK_INVALID: "a link to an unknown connector or pipeline",
  ERR_LINK_CYCLE: "pipelines (or operators in a pipeline) linked in a loop",
  ERR_EXPR_SYNTAX: "an expression that does not parse, with the offset inside it",
  ERR_EXPR_EVAL: "an expression failed on an event (e.g. comparing a number with a string)",
  ERR_CODEC_DECODE: "bytes the codec cannot decode (an `err` event with an excerpt)",
  ERR_CODEC_ENCODE: "a value the codec cannot encode",
  ERR_PROCESSOR_FAILED: "a pre- or postprocessor rejected its input",
  ERR_PROCESSOR_MAX_LENGTH: "a fragment or frame over its configured maximum size",
  ERR_ROUTE_NO_TARGET: "a server has no connection to send an event to",
  ERR_QUEUE_FULL: "a disconnected client’s send queue is full",
  ERR_NOT_CONNECTED: "a client gave up reconnecting, or is not connected",
  ERR_WRITE_FAILED: "a sink could not write an event",
  ERR_TEXT_NOT_UTF8: "a text frame whose bytes are not UTF-8",
  ERR_PROTOCOL: "a peer broke the WebSocket protocol (the connection is closed)",
  ERR_BIND_FAILED: "a connector could not start (a port in use, a certificate missing)",
  ERR_OPERATOR_FAILED: "a pipeline operator threw on an event",
  ERR_REMOTE: "a remote service answered a request with an error (its own code and message are in the event)",
  ERR_SLOW_CONSUMER: "a connection reads slower than events arrive, past its max_buffered_bytes",
  ERR_RATE_LIMITED: "a connection sent more than its rate limit allows; the excess is dropped",
  ERR_STOPPED: "the flow stopped before an event could be sent",
  ERR_TIMEOUT: "a wait (in the test harness) ran out of time",
  ERR_USAGE: "a command line that tremolo cannot understand",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface RuntimeErrorOptions {
  /** The connector or pipeline instance the error belongs to. */
  alias?: string;
  cause?: unknown;
  /** Machine-readable particulars, e.g. `{ offset }` of a syntax error inside an expression. */
  details?: Readonly<Record<string, unknown>>;
}

export class RuntimeError extends Error {
  override readonly name = 'RuntimeError';
  readonly code: ErrorCode;
  readonly alias: string | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, message: string, options: RuntimeErrorOptions = {}) {
    // A url's credentials never reach an error's text, whoever wrote it (see redact.ts).
    super(redactUrls(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.alias = options.alias;
    this.details = options.details;
  }
}

export const isRuntimeError = (err: unknown): err is RuntimeError => err instanceof RuntimeError;

/** The reason of anything thrown, as one line. Never throws itself (a thrown bigint or cycle is quoted as it can be). */
export const reason = (err: unknown): string => (err instanceof Error ? err.message : typeof err === 'string' ? err : quote(err, Number.POSITIVE_INFINITY));

/** A value quoted for a message: strings in double quotes, the rest as JSON, cut at `max` characters. */
export function quote(value: unknown, max = 80): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (typeof value === 'bigint') text = `${value}n`;
  else if (value === undefined) text = 'undefined';
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
