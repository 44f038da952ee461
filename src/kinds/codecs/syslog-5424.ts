import { CODEC, fail, floorDiv, nsValue, readPri, timestampNs, token, writePri, type StructuredData, type SyslogRecord } from './syslog-fields.js';
import { asRecord, describe, setOwn } from './text-line.js';

const FORMAT = '<PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG] (RFC 5424)';
const NIL = '-';
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(Z|([+-])(\d{2}):(\d{2}))$/;
const SD_NAME = /^[^\s="\]]{1,32}$/;
const PRINTABLE = /^[\x21-\x7e]+$/;

/** Is this, after `<PRI>`, an RFC 5424 version number and a space? */
export const isRfc5424 = (line: string, at: number): boolean => /^[1-9]\d{0,2} /.test(line.slice(at, at + 4));

function parseTimestamp(text: string): bigint {
  const m = TIMESTAMP.exec(text);
  if (m === null) fail(`timestamp ${describe(text)} is not RFC 3339`, 'YYYY-MM-DDThh:mm:ss[.ffffff](Z|+hh:mm) or -');
  const [, y, mo, d, h, mi, s, frac = '', , sign, oh = '0', om = '0'] = m.map((p) => p ?? '') as string[];
  // Date.UTC reads years 0-99 as 1900-1999; setting the year afterwards does not.
  const back = new Date(Date.UTC(2000, Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)));
  back.setUTCFullYear(Number(y));
  const ms = back.getTime();
  // Date.UTC rolls 30 February over to March; a round trip of the fields catches it.
  if (back.getUTCDate() !== Number(d) || back.getUTCMonth() !== Number(mo) - 1 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    fail(`timestamp ${describe(text)} is not a valid date and time`, 'YYYY-MM-DDThh:mm:ss[.ffffff](Z|+hh:mm)');
  }
  const offsetMin = (Number(oh) * 60 + Number(om)) * (sign === '-' ? -1 : 1);
  const ns = BigInt(ms - offsetMin * 60_000) * 1_000_000n + BigInt(frac.padEnd(9, '0'));
  return ns;
}

function formatTimestamp(ns: bigint): string {
  const us = floorDiv(ns, 1000n);
  const ms = floorDiv(us, 1000n);
  const date = new Date(Number(ms));
  const year = date.getUTCFullYear();
  if (Number.isNaN(year) || year < 0 || year > 9999) throw new Error(`${CODEC}: "timestamp" ${ns} is outside years 0000-9999`);
  // RFC 5424 stops at microseconds: finer digits are cut, trailing zeros dropped.
  const frac = `${date.toISOString().slice(20, 23)}${String(us - ms * 1000n).padStart(3, '0')}`.replace(/0+$/, '');
  return `${date.toISOString().slice(0, 19)}${frac === '' ? '' : `.${frac}`}Z`;
}

function parseStructuredData(line: string, at: number): { sd: StructuredData | undefined; next: number } {
  if (line[at] === '-') return { sd: undefined, next: at + 1 };
  if (line[at] !== '[') fail(`structured data at character ${at} starts with ${describe(line[at])}`, '"-" or [SD-ID param="value" ...]');
  const sd: StructuredData = {};
  while (line[at] === '[') {
    const idEnd = line.slice(at + 1).search(/[ \]]/);
    const id = idEnd < 0 ? '' : line.slice(at + 1, at + 1 + idEnd);
    if (!SD_NAME.test(id)) fail(`SD-ID ${describe(id)} at character ${at + 1}`, '1-32 printable characters other than =, space, ] and "');
    if (Object.hasOwn(sd, id)) fail(`SD-ID ${JSON.stringify(id)} appears twice`, 'each SD-ID once (RFC 5424 section 6.3.2)');
    const params: Array<Record<string, string>> = [];
    at += 1 + idEnd;
    while (line[at] === ' ') {
      const eq = line.indexOf('="', at + 1);
      const name = eq < 0 ? '' : line.slice(at + 1, eq);
      if (!SD_NAME.test(name)) fail(`parameter name ${describe(line.slice(at + 1, at + 33))} in [${id}]`, 'name="value"');
      let value = '';
      let i = eq + 2;
      for (; i < line.length && line[i] !== '"'; i++) {
        const c = line[i]!;
        if (c === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\' || line[i + 1] === ']')) value += line[++i];
        else value += c;
      }
      if (i >= line.length) fail(`parameter ${JSON.stringify(name)} in [${id}] is not closed by a double quote`, 'name="value"');
      params.push({ [name]: value });
      at = i + 1;
    }
    if (line[at] !== ']') fail(`${describe(line[at])} at character ${at} inside [${id}]`, 'a space and name="value", or "]"');
    setOwn(sd, id, params);
    at++;
  }
  return { sd, next: at };
}

export function decode5424(line: string): SyslogRecord {
  const { facility, severity, rest } = readPri(line);
  const fields: string[] = [];
  let at = rest;
  for (let k = 0; k < 6; k++) {
    const sp = line.indexOf(' ', at);
    if (sp < 0) fail(`the header ends after ${fields.length} of its fields`, FORMAT);
    fields.push(line.slice(at, sp));
    at = sp + 1;
  }
  const [version, ts, hostname, appname, procid, msgid] = fields as [string, string, string, string, string, string];
  const out: SyslogRecord = { protocol: 'RFC5424', protocol_version: Number(version), facility, severity };
  if (ts !== NIL) out.timestamp = nsValue(parseTimestamp(ts));
  if (hostname !== NIL) out.hostname = hostname;
  if (appname !== NIL) out.appname = appname;
  if (procid !== NIL) out.procid = procid;
  if (msgid !== NIL) out.msgid = msgid;
  const { sd, next } = parseStructuredData(line, at);
  if (sd !== undefined) out.structured_data = sd;
  if (next < line.length) {
    if (line[next] !== ' ') fail(`${describe(line[next])} after the structured data at character ${next}`, 'a space before the message');
    if (next + 1 < line.length) out.msg = line.slice(next + 1);
  }
  return out;
}

function writeStructuredData(value: unknown): string {
  if (value === undefined || value === null) return NIL;
  const sd = asRecord(value, CODEC, 'a record of SD-ID to parameters under "structured_data"');
  let out = '';
  for (const [id, params] of Object.entries(sd)) {
    if (!SD_NAME.test(id)) throw new Error(`${CODEC}: SD-ID ${describe(id)} must be 1-32 printable characters other than =, space, ] and "`);
    out += `[${id}`;
    const list = Array.isArray(params) ? params : [params];
    for (const param of list) {
      for (const [name, v] of Object.entries(asRecord(param, CODEC, `parameters of [${id}] as records of name to string`))) {
        if (!SD_NAME.test(name) || typeof v !== 'string') throw new Error(`${CODEC}: parameter ${describe(name)} of [${id}] must be a valid name with a string value, got ${describe(v)}`);
        out += ` ${name}="${v.replace(/["\\\]]/g, '\\$&')}"`;
      }
    }
    out += ']';
  }
  return out === '' ? NIL : out;
}

export function encode5424(r: Record<string, unknown>): string {
  const version = r.protocol_version ?? 1;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1 || version > 999) {
    throw new Error(`${CODEC}: "protocol_version" must be an integer 1-999, got ${describe(version)}`);
  }
  const rule = 'printable ASCII without spaces';
  const header = [
    `${writePri(r)}${version}`,
    ((ns) => (ns === undefined ? NIL : formatTimestamp(ns)))(timestampNs(r)),
    token(r, 'hostname', PRINTABLE, rule) ?? NIL,
    token(r, 'appname', PRINTABLE, rule) ?? NIL,
    token(r, 'procid', PRINTABLE, rule) ?? NIL,
    token(r, 'msgid', PRINTABLE, rule) ?? NIL,
    writeStructuredData(r.structured_data),
  ].join(' ');
  const msg = r.msg;
  if (msg === undefined || msg === null || msg === '') return header;
  if (typeof msg !== 'string') throw new Error(`${CODEC}: "msg" must be a string, got ${describe(msg)}`);
  return `${header} ${msg}`;
}
