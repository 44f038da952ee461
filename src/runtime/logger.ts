import { redactUrls } from './redact.js';

/** Log lines go to stderr, one line per event of note, so stdout stays free for data. */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Logger {
  readonly level: LogLevel;
  error(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
  trace(message: string): void;
  enabled(level: LogLevel): boolean;
  /** A logger whose lines are prefixed with `[scope]`. */
  child(scope: string): Logger;
}

export type LogSink = (line: string, level: LogLevel) => void;

const stderrSink: LogSink = (line) => {
  process.stderr.write(`${line}\n`);
};

export function createLogger(level: LogLevel = 'info', sink: LogSink = stderrSink, scope = ''): Logger {
  const rank = LOG_LEVELS.indexOf(level);
  const write = (at: LogLevel, message: string): void => {
    if (LOG_LEVELS.indexOf(at) > rank) return;
    const prefix = scope === '' ? '' : `[${scope}] `;
    // A url's credentials never reach the log, whoever wrote the line (see redact.ts).
    sink(`${new Date().toISOString()} ${at.toUpperCase().padEnd(5)} ${prefix}${redactUrls(message)}`, at);
  };
  return {
    level,
    error: (m) => write('error', m),
    warn: (m) => write('warn', m),
    info: (m) => write('info', m),
    debug: (m) => write('debug', m),
    trace: (m) => write('trace', m),
    enabled: (at) => LOG_LEVELS.indexOf(at) <= rank,
    child: (s) => createLogger(level, sink, scope === '' ? s : `${scope}/${s}`),
  };
}

/** A logger that keeps its lines in memory; tests assert on them. */
export function memoryLogger(level: LogLevel = 'debug'): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger(level, (line) => lines.push(line));
  return Object.assign(logger, { lines });
}
