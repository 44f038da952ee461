import { CODEC, floorDiv, nsValue, readPri, timestampNs, token, writePri, type SyslogRecord } from './syslog-fields.js';
import { describe } from './text-line.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const TIMESTAMP = /^(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) {1,2}(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?: |$)/;
const TAG = /^([^\s[\]:]+)(?:\[([^\]\s]*)\])?:(?: |$)/;
const RFC3164_PRI_DEFAULT = 13;

/**
 * The year a BSD timestamp (which has none) most likely means: this year, except that December
 * read in January is last year's (Tremor's rule).
 */
function yearOf(month: number, now: Date): number {
  const year = now.getUTCFullYear();
  return now.getUTCMonth() === 0 && month === 11 ? year - 1 : year;
}

/**
 * `<PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PID]: MSG`. Without a valid timestamp the whole rest is the
 * message (RFC 3164 section 4.3.2); a first word that looks like a tag means there is no hostname.
 */
export function decode3164(line: string, now: Date = new Date()): SyslogRecord {
  const { facility, severity, rest } = readPri(line);
  const out: SyslogRecord = { protocol: 'RFC3164', facility, severity };
  let text = line.slice(rest);
  const ts = TIMESTAMP.exec(text);
  if (ts === null) {
    if (text !== '') out.msg = text;
    return out;
  }
  const month = MONTHS.indexOf(ts[1]!);
  const [day, h, m, s] = ts.slice(2).map(Number) as [number, number, number, number];
  const ms = Date.UTC(yearOf(month, now), month, day, h, m, s);
  if (new Date(ms).getUTCDate() !== day || h > 23 || m > 59 || s > 59) {
    throw new Error(`${CODEC}: timestamp ${describe(ts[0].trim())} is not a valid date and time; expected Mmm dd hh:mm:ss (RFC 3164)`);
  }
  out.timestamp = nsValue(BigInt(ms) * 1_000_000n);
  text = text.slice(ts[0].length);
  if (!TAG.test(text)) {
    const sp = text.indexOf(' ');
    const host = sp < 0 ? text : text.slice(0, sp);
    if (host !== '' && host !== '-') out.hostname = host;
    text = sp < 0 ? '' : text.slice(sp + 1);
  }
  const tag = TAG.exec(text);
  if (tag !== null) {
    out.appname = tag[1]!;
    if (tag[2] !== undefined && tag[2] !== '') out.procid = tag[2];
    text = text.slice(tag[0].length);
  }
  if (text !== '') out.msg = text;
  return out;
}

function formatTimestamp(ns: bigint): string {
  const date = new Date(Number(floorDiv(ns, 1_000_000n)));
  if (Number.isNaN(date.getTime())) throw new Error(`${CODEC}: "timestamp" ${ns} is out of range`);
  const day = String(date.getUTCDate()).padStart(2, ' ');
  return `${MONTHS[date.getUTCMonth()]} ${day} ${date.toISOString().slice(11, 19)}`;
}

/** BSD syslog: no year and whole seconds only; a missing timestamp is now, as a relay would add. */
export function encode3164(r: Record<string, unknown>, now: () => bigint): string {
  const ts = formatTimestamp(timestampNs(r) ?? now());
  const host = token(r, 'hostname', /^[^\s[\]]+$/, 'a name without spaces or brackets') ?? '-';
  if (host.endsWith(':')) throw new Error(`${CODEC}: "hostname" must not end with ":" (it would read as a tag), got ${describe(host)}`);
  const appname = token(r, 'appname', /^[^\s[\]:]+$/, 'a name without spaces, brackets or ":"');
  const procid = token(r, 'procid', /^[^\s\]]+$/, 'an id without spaces or "]"');
  let line = `${writePri(r, RFC3164_PRI_DEFAULT)}${ts} ${host}`;
  if (appname !== undefined) line += ` ${appname}${procid === undefined ? '' : `[${procid}]`}:`;
  const msg = r.msg;
  if (msg === undefined || msg === null || msg === '') return line;
  if (typeof msg !== 'string') throw new Error(`${CODEC}: "msg" must be a string, got ${describe(msg)}`);
  return `${line} ${msg}`;
}
