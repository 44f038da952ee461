import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { colorEnabled, stripColors } from '../../../src/sdk/colors.js';
import { createLogger, memoryLogger } from '../../../src/sdk/logger.js';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

test('text lines carry the time, the level, the scope and the message, fields as logfmt key=value after it', () => {
  const log = memoryLogger('debug');
  log.child('echo').child('server').info('listening on ws://127.0.0.1:4242', { address: 'ws://127.0.0.1:4242', clients: 0 });
  log.warn('a "quoted" field', { reason: 'connection refused', empty: '', nested: { a: [1, 2] } });
  log.trace('not at debug');
  assert.is(log.lines.length, 2);
  const [time, rest] = [log.lines[0]!.slice(0, 24), log.lines[0]!.slice(25)];
  assert.match(time, ISO);
  assert.is(rest, 'INFO  [echo/server] listening on ws://127.0.0.1:4242 address=ws://127.0.0.1:4242 clients=0');
  assert.is(log.lines[1]!.slice(25), 'WARN  a "quoted" field reason="connection refused" empty="" nested="{\\"a\\":[1,2]}"');
});

test('json lines are one object each: time, level, flow, alias, node, msg and fields', () => {
  const log = memoryLogger('info', 'json');
  log.child('echo').child('server').info('listening', { address: 'ws://127.0.0.1:4242' });
  log.child('echo').child('p').child('batch').warn('line one\nline two');
  log.error('no scope');
  log.debug('below the level');
  assert.is(log.lines.length, 3);
  const [a, b, c] = log.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.match(a!.time as string, ISO);
  assert.equal({ ...a, time: 0 }, { time: 0, level: 'info', flow: 'echo', alias: 'server', msg: 'listening', fields: { address: 'ws://127.0.0.1:4242' } });
  assert.equal({ ...b, time: 0 }, { time: 0, level: 'warn', flow: 'echo', alias: 'p', node: 'batch', msg: 'line one\nline two' });
  assert.equal({ ...c, time: 0 }, { time: 0, level: 'error', msg: 'no scope' });
  assert.ok(log.lines.every((l) => !l.includes('\n')));
});

test('a field JSON cannot hold (a cycle, a bigint, an error) never throws out of a log call', () => {
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  const json = memoryLogger('info', 'json');
  json.info('odd fields', { big: 12n, error: new Error('boom') });
  assert.equal((JSON.parse(json.lines[0]!) as { fields: unknown }).fields, { big: '12', error: 'boom' });
  json.info('cycle', { cyclic });
  assert.is(json.lines.length, 2);
  assert.type(JSON.parse(json.lines[1]!), 'string');
  const text = memoryLogger('info');
  text.info('cycle', { cyclic });
  assert.match(text.lines[0]!, /INFO {2}cycle cyclic=/);
});

test('colours mark the level and the scope only when asked for, and strip back to the plain line', () => {
  const lines: string[] = [];
  const log = createLogger('info', { sink: (l) => lines.push(l), color: true }).child('echo');
  log.error('failed');
  log.info('fine');
  assert.match(lines[0]!, /\u001b\[31mERROR\u001b\[39m \u001b\[36m\[echo\]\u001b\[39m failed$/);
  assert.match(lines[1]!, /\u001b\[32mINFO \u001b\[39m/);
  assert.match(stripColors(lines[0]!).slice(25), /^ERROR \[echo\] failed$/);
  const plain = memoryLogger('info');
  plain.error('failed');
  assert.not.match(plain.lines[0]!, /\u001b/);
});

test('colour follows the terminal, NO_COLOR turns it off, FORCE_COLOR on (or off with 0 or false)', () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  assert.is(colorEnabled(tty, {}), true);
  assert.is(colorEnabled(pipe, {}), false);
  assert.is(colorEnabled(tty, { NO_COLOR: '1' }), false);
  assert.is(colorEnabled(tty, { NO_COLOR: '' }), true);
  assert.is(colorEnabled(tty, { TERM: 'dumb' }), false);
  assert.is(colorEnabled(pipe, { FORCE_COLOR: '1' }), true);
  assert.is(colorEnabled(pipe, { FORCE_COLOR: '' }), true);
  assert.is(colorEnabled(tty, { FORCE_COLOR: '0' }), false);
  assert.is(colorEnabled(tty, { FORCE_COLOR: 'false' }), false);
  assert.is(colorEnabled(pipe, { FORCE_COLOR: '2', NO_COLOR: '1' }), true);
});

test.run();
