import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decode3164 } from '../../../../src/kinds/codecs/syslog-3164.js';
import { syslog } from '../../../../src/kinds/codecs/syslog.js';
import { codecOf, decode, encodeText, thrown } from './support.js';

const codec = codecOf(syslog);
const ns = (iso: string): bigint => BigInt(Date.parse(iso)) * 1_000_000n;
const thisYear = new Date().getUTCFullYear();

const RFC5424_EXAMPLE =
  '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application" eventID="1011"][examplePriority@32473 class="high"] BOMAn application event log entry...';

test('decodes RFC 5424: priority to facility and severity, header fields, structured data, message', () => {
  assert.equal(decode(codec, RFC5424_EXAMPLE), {
    protocol: 'RFC5424',
    protocol_version: 1,
    facility: 'local4',
    severity: 'notice',
    timestamp: ns('2003-10-11T22:14:15.003Z'),
    hostname: 'mymachine.example.com',
    appname: 'evntslog',
    msgid: 'ID47',
    structured_data: {
      'exampleSDID@32473': [{ iut: '3' }, { eventSource: 'Application' }, { eventID: '1011' }],
      'examplePriority@32473': [{ class: 'high' }],
    },
    msg: 'BOMAn application event log entry...',
  });
});

test('encodes RFC 5424 back to the same line', () => {
  assert.is(encodeText(codec, decode(codec, RFC5424_EXAMPLE)), RFC5424_EXAMPLE);
});

test('NILVALUE fields are left out and come back as "-"', () => {
  const line = '<191>1 2021-03-18T20:30:00.123Z - - - - - message';
  const value = decode(codec, line);
  assert.equal(value, { protocol: 'RFC5424', protocol_version: 1, facility: 'local7', severity: 'debug', timestamp: ns('2021-03-18T20:30:00.123Z'), msg: 'message' });
  assert.is(encodeText(codec, value), line);
});

test('a time offset is applied; microseconds are kept; output is UTC', () => {
  const value = decode(codec, '<14>1 2003-10-11T22:14:15.000123+02:00 host app 42 - -') as { timestamp: bigint };
  assert.is(value.timestamp, ns('2003-10-11T20:14:15Z') + 123_000n);
  assert.is(encodeText(codec, value), '<14>1 2003-10-11T20:14:15.000123Z host app 42 - -');
});

test('structured data values escape ", \\ and ]', () => {
  const line = '<14>1 - - - - - [x@1 a="q\\"b\\\\s\\]e"]';
  const value = decode(codec, line) as { structured_data: unknown };
  assert.equal(value.structured_data, { 'x@1': [{ a: 'q"b\\s]e' }] });
  assert.is(encodeText(codec, value), line);
});

test('decodes RFC 3164 (Tremor\'s BSD example) with this year for the timestamp', () => {
  assert.equal(decode(codec, '<13>Jan  5 15:33:03 74794bfb6795 root[8539]: i am foobar'), {
    protocol: 'RFC3164',
    facility: 'user',
    severity: 'notice',
    timestamp: ns(`${thisYear}-01-05T15:33:03Z`),
    hostname: '74794bfb6795',
    appname: 'root',
    procid: '8539',
    msg: 'i am foobar',
  });
});

test('RFC 3164: December read in January is last year\'s', () => {
  const record = decode3164('<13>Dec 31 23:59:59 host app: bye', new Date('2024-01-02T00:00:00Z'));
  assert.is(record.timestamp, ns('2023-12-31T23:59:59Z'));
});

test('RFC 3164 without a hostname: a first word that looks like a tag is the tag', () => {
  const record = decode3164('<34>Oct 11 22:14:15 su: \'su root\' failed', new Date('2024-11-01T00:00:00Z'));
  assert.equal(record, { protocol: 'RFC3164', facility: 'auth', severity: 'crit', timestamp: ns('2024-10-11T22:14:15Z'), appname: 'su', msg: "'su root' failed" });
});

test('RFC 3164 without a timestamp: the whole rest is the message', () => {
  assert.equal(decode(codec, '<13>hello world'), { protocol: 'RFC3164', facility: 'user', severity: 'notice', msg: 'hello world' });
});

test('encodes RFC 3164 when the record says so', () => {
  const record = { protocol: 'RFC3164', facility: 'auth', severity: 'crit', timestamp: ns('2024-10-05T22:14:15Z'), hostname: 'mymachine', appname: 'su', procid: '42', msg: 'failed' };
  assert.is(encodeText(codec, record), '<34>Oct  5 22:14:15 mymachine su[42]: failed');
});

test('encodes RFC 5424 when the record names no protocol, version 1 by default', () => {
  assert.is(encodeText(codec, { facility: 'user', severity: 'info', msg: 'hi' }), '<14>1 - - - - - - hi');
});

test('facility and severity may be given as codes', () => {
  assert.is(encodeText(codec, { facility: 1, severity: 6 }), '<14>1 - - - - - -');
});

test('a missing or out-of-range priority is an error', () => {
  assert.is(thrown(() => decode(codec, 'hello')), 'syslog: no priority at the start of "hello"; expected <PRI> with PRI a number 0-191');
  assert.is(thrown(() => decode(codec, '<192>1 - - - - - -')), 'syslog: no priority at the start of "<192>1 -"; expected <PRI> with PRI a number 0-191');
});

test('malformed RFC 5424 parts are errors naming the part', () => {
  assert.is(thrown(() => decode(codec, '<14>1 - host app')), 'syslog: the header ends after 3 of its fields; expected <PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG] (RFC 5424)');
  assert.is(thrown(() => decode(codec, '<14>1 2003-02-30T00:00:00Z - - - - -')), 'syslog: timestamp "2003-02-30T00:00:00Z" is not a valid date and time; expected YYYY-MM-DDThh:mm:ss[.ffffff](Z|+hh:mm)');
  assert.is(thrown(() => decode(codec, '<14>1 yesterday - - - - -')), 'syslog: timestamp "yesterday" is not RFC 3339; expected YYYY-MM-DDThh:mm:ss[.ffffff](Z|+hh:mm) or -');
  assert.is(thrown(() => decode(codec, '<14>1 - - - - - [a b]')), 'syslog: parameter name "b]" in [a]; expected name="value"');
  assert.is(thrown(() => decode(codec, '<14>1 - - - - - [a x="1"][a y="2"]')), 'syslog: SD-ID "a" appears twice; expected each SD-ID once (RFC 5424 section 6.3.2)');
  assert.is(thrown(() => decode(codec, '<14>1 - - - - - x')), 'syslog: structured data at character 16 starts with "x"; expected "-" or [SD-ID param="value" ...]');
});

test('encode errors name the field', () => {
  assert.is(thrown(() => codec.encode({ severity: 'info' }, {})), 'syslog: "facility" must be one of kern, user, mail, daemon, auth, syslog, lpr, news, uucp, cron, authpriv, ftp, ntp, audit, alert, clockd, local0, local1, local2, local3, local4, local5, local6, local7 (or its code 0-23), got nothing');
  assert.is(thrown(() => codec.encode({ facility: 'user', severity: 'info', hostname: 'a b' }, {})), 'syslog: "hostname" must be printable ASCII without spaces, got "a b"');
  assert.is(thrown(() => codec.encode({ protocol: 'RFC1', facility: 'user', severity: 'info' }, {})), 'syslog: "protocol" must be "RFC5424" or "RFC3164", got "RFC1"');
});

test.run();
