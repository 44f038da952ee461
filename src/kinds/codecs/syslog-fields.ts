import { describe } from './text-line.js';

export const CODEC = 'syslog';

/** Facility and severity names as Tremor (and syslog_loose) spell them, in code order. */
export const FACILITIES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
  'ntp', 'audit', 'alert', 'clockd', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
] as const;
export const SEVERITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;

export type StructuredData = Record<string, Array<Record<string, string>>>;

/** The decoded record, in Tremor's shape; absent parts are left out, never null. */
export interface SyslogRecord {
  protocol: 'RFC5424' | 'RFC3164';
  protocol_version?: number;
  facility: string;
  severity: string;
  /** Nanoseconds since the epoch (a bigint beyond 2^53, as current times are). */
  timestamp?: number | bigint;
  hostname?: string;
  appname?: string;
  procid?: string;
  msgid?: string;
  structured_data?: StructuredData;
  msg?: string;
}

export function fail(what: string, expected: string): never {
  throw new Error(`${CODEC}: ${what}; expected ${expected}`);
}

/** `<PRI>` at the start: facility and severity, and where the rest begins. */
export function readPri(line: string): { facility: string; severity: string; rest: number } {
  const m = /^<(\d{1,3})>/.exec(line);
  const pri = m === null ? NaN : Number(m[1]);
  if (m === null || pri > 191) fail(`no priority at the start of ${describe(line.slice(0, 8))}`, '<PRI> with PRI a number 0-191');
  return { facility: FACILITIES[pri >> 3]!, severity: SEVERITIES[pri & 7]!, rest: m[0].length };
}

function code(names: readonly string[], value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < names.length) return value;
  const i = typeof value === 'string' ? names.indexOf(value) : -1;
  if (i < 0) throw new Error(`${CODEC}: "${what}" must be one of ${names.join(', ')} (or its code 0-${names.length - 1}), got ${describe(value)}`);
  return i;
}

/** `<PRI>` for a record; `fallback` when it names neither (RFC 3164 says user.notice). */
export function writePri(r: Record<string, unknown>, fallback?: number): string {
  if (fallback !== undefined && r.facility === undefined && r.severity === undefined) return `<${fallback}>`;
  return `<${code(FACILITIES, r.facility, 'facility') * 8 + code(SEVERITIES, r.severity, 'severity')}>`;
}

/** Nanoseconds as a number while exact, as a bigint beyond 2^53 (the rule of every tremolo codec). */
export const nsValue = (ns: bigint): number | bigint =>
  ns > BigInt(Number.MAX_SAFE_INTEGER) || ns < BigInt(Number.MIN_SAFE_INTEGER) ? ns : Number(ns);

/** A record's timestamp as bigint nanoseconds; `undefined` when absent. */
export function timestampNs(r: Record<string, unknown>): bigint | undefined {
  const ts = r.timestamp;
  if (ts === undefined || ts === null) return undefined;
  if (typeof ts === 'bigint') return ts;
  if (typeof ts === 'number' && Number.isInteger(ts)) return BigInt(ts);
  throw new Error(`${CODEC}: "timestamp" must be integer nanoseconds since the epoch, got ${describe(ts)}`);
}

export const floorDiv = (a: bigint, b: bigint): bigint => (a >= 0n ? a / b : -((-a + b - 1n) / b));

/** An optional header field: a string (or a number, for procid) without spaces, or `undefined`. */
export function token(r: Record<string, unknown>, key: string, pattern: RegExp, rule: string): string | undefined {
  let v = r[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && key === 'procid') v = String(v);
  if (typeof v !== 'string' || !pattern.test(v)) throw new Error(`${CODEC}: "${key}" must be ${rule}, got ${describe(v)}`);
  return v;
}
