import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildHeaders, headersToMeta, INSTANCE_HEADER, INSTANCE_ID } from '../../../../src/kinds/nats/nats-headers.js';
import { checkSubscribeSubject, SubjectTemplate } from '../../../../src/kinds/nats/nats-subject.js';
import { createEvent } from '../../../../src/sdk/event.js';

const render = (template: string, data: unknown, meta = {}) => SubjectTemplate.compile(template).render(createEvent(data, meta, []));

test('a subject template fills each hole from the event data or its metadata', () => {
  assert.equal(render('orders.${event.region}.${$.shop.id}', { region: 'eu' }, { shop: { id: 7 } }), { subject: 'orders.eu.7' });
  assert.equal(render('plain.subject', null), { subject: 'plain.subject' });
  assert.is(SubjectTemplate.compile('plain.subject').constant, 'plain.subject');
});

test('a hole ends at the first } outside a string literal', () => {
  assert.equal(render('x.${event["a}b"]}', { 'a}b': 'ok' }), { subject: 'x.ok' });
});

test('a hole that gives no string or number, or a subject with spaces or wildcards, is an error saying what it received', () => {
  assert.equal(render('x.${event.a}', { a: [1] }), { error: 'subject "x.${event.a}": ${event.a} is [1]; expected a string or a number' });
  assert.equal(render('x.${event.a}', { a: 'two words' }), { error: 'subject "x.${event.a}" gave "x.two words"; expected tokens separated by dots, without wildcards or spaces' });
  assert.equal(render('x.${event.a}', { a: '*' }), { error: 'subject "x.${event.a}" gave "x.*"; expected tokens separated by dots, without wildcards or spaces' });
});

test('a template that does not compile throws with the place of the hole', () => {
  assert.throws(() => SubjectTemplate.compile('x.${event.a'), /unclosed "\$\{" at 2/);
  assert.throws(() => SubjectTemplate.compile('x..y'), /expected tokens separated by dots/);
});

test('subscribe subjects take * for a token and > last', () => {
  assert.is(checkSubscribeSubject('orders.*.eu'), undefined);
  assert.is(checkSubscribeSubject('orders.>'), undefined);
  assert.is(checkSubscribeSubject('>'), undefined);
  assert.is(checkSubscribeSubject('orders.>.eu'), 'expected tokens separated by dots (`*` for one token, `>` last for the rest), received "orders.>.eu"');
  assert.type(checkSubscribeSubject('a b'), 'string');
});

test('headers: configured, then the event’s, then this instance’s id, which an event cannot forge', () => {
  const h = buildHeaders({ A: '1', B: '2' }, { B: 'from event', C: ['x', 'y'], [INSTANCE_HEADER]: 'forged' });
  assert.ok(typeof h !== 'string');
  assert.equal(headersToMeta(h as Exclude<typeof h, string>), { A: '1', B: 'from event', C: ['x', 'y'], [INSTANCE_HEADER]: INSTANCE_ID });
  assert.is(buildHeaders({}, { n: 1 }), 'meta.nats.headers.n: expected a string or a list of strings, received 1');
  assert.is(buildHeaders({}, 'x'), 'meta.nats.headers: expected a record of strings, received "x"');
});

test.run();
