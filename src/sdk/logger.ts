import { paint, type Style } from './colors.js';
import { redactUrls } from './redact.js';

/**
 * Log lines go to stderr, one line per event of note, so stdout stays free for data. As text for
 * people (coloured on a terminal that wants it) or as JSON lines for log shippers.
 */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['text', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Values a log line carries besides its message: written `key=value` in text, as `fields` in JSON. */
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  readonly level: LogLevel;
  error(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  trace(message: string, fields?: LogFields): void;
  enabled(level: LogLevel): boolean;
  /** A logger whose lines are prefixed with `[scope]` (nested: `[flow/alias]`). */
  child(scope: string): Logger;
}

/** Where formatted lines go, without their newline. */
export type LogSink = (line: string, level: LogLevel) => void;

export interface LogOptions {
  readonly sink?: LogSink;
  /** `text` (the default) or `json`: one object per line with time, level, flow, alias, node, msg and fields. */
  readonly format?: LogFormat;
  /** Colours in text lines (the CLI decides: a terminal, NO_COLOR, FORCE_COLOR); default none. */
  readonly color?: boolean;
}

const stderrSink: LogSink = (line) => {
  process.stderr.write(`${line}\n`);
};

const LEVEL_STYLE: Record<LogLevel, Style> = { error: 'red', warn: 'yellow', info: 'green', debug: 'blue', trace: 'dim' };

/**
 * JSON of anything a caller logs; a value JSON cannot hold (a cycle, a bigint) must not throw out
 * of a log call: a bigint is written as its digits in a string, a cycle as the value's String().
 */
export function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Error ? v.message : v)) ?? 'null';
  } catch {
    return JSON.stringify(String(value));
  }
}

/** `key=value`, quoted when the value has spaces, quotes or `=` (logfmt, which log tools read). */
function textFields(fields: LogFields): string {
  return Object.entries(fields)
    .map(([k, v]) => {
      const s = typeof v === 'string' ? v : safeJson(v);
      return `${k}=${s === '' || /[\s"=]/.test(s) ? JSON.stringify(s) : s}`;
    })
    .join(' ');
}

function textLine(at: LogLevel, scope: string, message: string, fields: LogFields | undefined, color: boolean): string {
  const c = (style: Style, s: string): string => (color ? paint(style, s) : s);
  const prefix = scope === '' ? '' : `${c('cyan', `[${scope}]`)} `;
  const extra = fields === undefined || Object.keys(fields).length === 0 ? '' : ` ${c('dim', textFields(fields))}`;
  return `${c('dim', new Date().toISOString())} ${c(LEVEL_STYLE[at], at.toUpperCase().padEnd(5))} ${prefix}${message}${extra}`;
}

/** The scope's parts by what they name: the flow, then a connector's or pipeline's alias, then an operator. */
function jsonLine(at: LogLevel, scope: string, message: string, fields: LogFields | undefined): string {
  const [flow, alias, ...node] = scope === '' ? [] : scope.split('/');
  const record: Record<string, unknown> = { time: new Date().toISOString(), level: at };
  if (flow !== undefined) record.flow = flow;
  if (alias !== undefined) record.alias = alias;
  if (node.length > 0) record.node = node.join('/');
  record.msg = message;
  if (fields !== undefined && Object.keys(fields).length > 0) record.fields = fields;
  return safeJson(record);
}

export function createLogger(level: LogLevel = 'info', sinkOrOptions: LogSink | LogOptions = stderrSink, scope = ''): Logger {
  const options: LogOptions = typeof sinkOrOptions === 'function' ? { sink: sinkOrOptions } : sinkOrOptions;
  const sink = options.sink ?? stderrSink;
  const rank = LOG_LEVELS.indexOf(level);
  const write = (at: LogLevel, message: string, fields?: LogFields): void => {
    if (LOG_LEVELS.indexOf(at) > rank) return;
    // A url's credentials never reach the log, whoever wrote the line (see redact.ts).
    const text = redactUrls(message);
    sink(options.format === 'json' ? jsonLine(at, scope, text, fields) : textLine(at, scope, text, fields, options.color === true), at);
  };
  return {
    level,
    error: (m, f) => write('error', m, f),
    warn: (m, f) => write('warn', m, f),
    info: (m, f) => write('info', m, f),
    debug: (m, f) => write('debug', m, f),
    trace: (m, f) => write('trace', m, f),
    enabled: (at) => LOG_LEVELS.indexOf(at) <= rank,
    child: (s) => createLogger(level, options, scope === '' ? s : `${scope}/${s}`),
  };
}

/** A logger that keeps its lines in memory; tests assert on them. */
export function memoryLogger(level: LogLevel = 'debug', format: LogFormat = 'text'): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger(level, { sink: (line) => lines.push(line), format });
  return Object.assign(logger, { lines });
}
