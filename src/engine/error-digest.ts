import type { ErrorCode } from '../sdk/errors.js';
import { safeJson, type Logger } from '../sdk/logger.js';

/** How long one summary line covers: a flood of errors costs one line per code per window. */
export const DIGEST_WINDOW_MS = 10_000;

/** What a summary calls the errors of a code; the rest are "errors CODE". */
const NOUNS: Partial<Record<ErrorCode, string>> = {
  ERR_CODEC_DECODE: 'frames undecodable',
  ERR_TEXT_NOT_UTF8: 'text frames not UTF-8',
  ERR_PROCESSOR_FAILED: 'frames a preprocessor refused',
  ERR_PROCESSOR_MAX_LENGTH: 'frames over their maximum size',
  ERR_RATE_LIMITED: 'messages over the rate limit',
  ERR_SLOW_CONSUMER: 'frames dropped for slow connections',
};

/** Time and timers, injected in tests. */
export interface DigestClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const systemClock: DigestClock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

interface Window {
  readonly start: number;
  /** Errors of the code in this window, the one logged as it came included. */
  count: number;
  /** 1 when the window's first error was logged as it came (the first window of a burst), else 0. */
  readonly logged: number;
  last: string;
  timer: unknown;
}

/**
 * Warnings about errors nobody takes (an err port linked to nothing), rate-limited per error code
 * the way the slow-consumer report counts dropped frames: the first of a burst is logged as it
 * comes; the rest are counted, and once per window one line says how many there were and the last
 * one ("20000 frames undecodable on server in the last 10 s, last: …"). A burst that goes on gets
 * one such line per window; a quiet window ends it. So 20,000 bad frames cost two lines, not
 * 20,000, and one bad peer cannot bury everything else in the log.
 */
export class ErrorDigest {
  readonly #windows = new Map<ErrorCode, Window>();

  constructor(
    private readonly log: Logger,
    private readonly alias: string,
    private readonly windowMs = DIGEST_WINDOW_MS,
    private readonly clock: DigestClock = systemClock,
  ) {}

  /**
   * An error event's data: its `code` (else `fallback`) and its `error` text (else the data as
   * JSON). The data is whatever reached an err port, so it may hold what JSON cannot (a bigint:
   * otel timestamps, MessagePack int64); it is written as the logger writes it, never thrown.
   */
  reportData(data: unknown, fallback: ErrorCode): void {
    const { code, error } = (data ?? {}) as { code?: unknown; error?: unknown };
    const text = typeof error === 'string' ? error : error === undefined || error === null ? safeJson(data) : safeJson(error);
    this.report(typeof code === 'string' ? (code as ErrorCode) : fallback, text);
  }

  report(code: ErrorCode, message: string): void {
    const window = this.#windows.get(code);
    if (window !== undefined) {
      window.count++;
      window.last = message;
      return;
    }
    this.log.warn(message);
    this.#open(code, 1, message);
  }

  /** Says what is still counted (the flow is stopping) and stops the timers. */
  flush(): void {
    for (const [code, window] of this.#windows) {
      this.clock.clearTimeout(window.timer);
      this.#summarise(code, window);
    }
    this.#windows.clear();
  }

  #open(code: ErrorCode, count: number, last: string): void {
    const window: Window = { start: this.clock.now(), count, logged: count, last, timer: undefined };
    window.timer = this.clock.setTimeout(() => this.#close(code, window), this.windowMs);
    this.#windows.set(code, window);
  }

  #close(code: ErrorCode, window: Window): void {
    this.#windows.delete(code);
    // Nothing beyond the line already logged: the burst is over.
    if (!this.#summarise(code, window)) return;
    this.#open(code, 0, window.last);
  }

  /** Logs the window's count when it holds errors not logged one by one; whether it did. */
  #summarise(code: ErrorCode, window: Window): boolean {
    if (window.count <= window.logged) return false;
    const seconds = Math.max(1, Math.round((this.clock.now() - window.start) / 1000));
    const what = NOUNS[code] ?? `errors ${code}`;
    this.log.warn(`${window.count} ${what} on ${this.alias} in the last ${seconds} s, last: ${window.last}`);
    return true;
  }
}
