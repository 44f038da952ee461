/**
 * The one error type of tremolo. Codes follow `ERR_<AREA>_<WHAT>` and are listed in the README, so
 * callers and tests match on `code`, never on message text alone.
 */
export type ErrorCode =
  | 'ERR_FLOW_PARSE'
  | 'ERR_FLOW_INVALID'
  | 'ERR_FLOW_READ'
  | 'ERR_MODULE_NOT_FOUND'
  | 'ERR_MODULE_INVALID'
  | 'ERR_KIND_UNKNOWN'
  | 'ERR_KIND_DUPLICATE'
  | 'ERR_ARG_UNKNOWN'
  | 'ERR_ARG_INVALID'
  | 'ERR_CONFIG_INVALID'
  | 'ERR_CONFIG_UNSUPPORTED'
  | 'ERR_PORT_INVALID'
  | 'ERR_LINK_INVALID'
  | 'ERR_LINK_CYCLE'
  | 'ERR_EXPR_SYNTAX'
  | 'ERR_EXPR_EVAL'
  | 'ERR_CODEC_DECODE'
  | 'ERR_CODEC_ENCODE'
  | 'ERR_PROCESSOR_FAILED'
  | 'ERR_PROCESSOR_MAX_LENGTH'
  | 'ERR_ROUTE_NO_TARGET'
  | 'ERR_QUEUE_FULL'
  | 'ERR_NOT_CONNECTED'
  | 'ERR_WRITE_FAILED'
  | 'ERR_TEXT_NOT_UTF8'
  | 'ERR_PROTOCOL'
  | 'ERR_CONNECT_FAILED'
  | 'ERR_CONNECTION_LOST'
  | 'ERR_BIND_FAILED'
  | 'ERR_OPERATOR_FAILED'
  | 'ERR_STOPPED'
  | 'ERR_TIMEOUT'
  | 'ERR_USAGE';

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
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.alias = options.alias;
    this.details = options.details;
  }
}

export const isRuntimeError = (err: unknown): err is RuntimeError => err instanceof RuntimeError;

/** The reason of anything thrown, as one line. */
export const reason = (err: unknown): string =>
  err instanceof Error ? err.message : typeof err === 'string' ? err : JSON.stringify(err);

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
