import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ControlMessages, controlSpec } from '../subscriptions/control-messages.js';
import { parseFieldSelector, selectFields } from '../subscriptions/field-selector.js';
import { SubscriptionIndex, type Subscription } from '../subscriptions/subscription-index.js';
import { compileRql, type RqlFilter } from '../rql/index.js';

/** A filter that counts how often it is evaluated. */
function counting(source: string): RqlFilter & { calls: number } {
  const real = compileRql(source);
  const f = {
    source,
    calls: 0,
    matches(value: unknown, ctx?: Parameters<RqlFilter['matches']>[1]) {
      f.calls++;
      return real.matches(value, ctx);
    },
  };
  return f;
}

const sub = (conn: string, topic: string, namespaces?: string[], filter?: RqlFilter): Subscription<string> => ({ conn, topic, namespaces, filter, extraFields: undefined });
const publication = (topic: string, namespace: string | undefined, subject: unknown = {}) => ({ topic, namespace, subject, extraSource: undefined, placeholders: undefined });

test('publishing evaluates the filters of the subscriptions of its topic and namespace only, however many others there are', () => {
  const index = new SubscriptionIndex<string>();
  const others = Array.from({ length: 1000 }, (_, i) => counting('gt(n,0)'));
  others.forEach((f, i) => index.subscribe(sub(`other${i}`, i % 2 === 0 ? 'events' : 'messages', [`ns${i}`], f)));
  const mine = counting('gt(n,0)');
  const everywhere = counting('gt(n,5)');
  index.subscribe(sub('mine', 'events', ['target'], mine));
  index.subscribe(sub('everywhere', 'events', undefined, everywhere));
  const got = index.deliveries(publication('events', 'target', { n: 3 }));
  assert.equal(got.map((d) => d.conn), ['mine']);
  assert.is(mine.calls + everywhere.calls, 2);
  assert.is(others.reduce((n, f) => n + f.calls, 0), 0);
});

test('a later subscription on the same topic replaces the earlier one; unsubscribe and remove forget them', () => {
  const index = new SubscriptionIndex<string>();
  index.subscribe(sub('a', 'events', ['x']));
  index.subscribe(sub('a', 'events', ['y']));
  index.subscribe(sub('a', 'messages'));
  assert.equal(index.deliveries(publication('events', 'x')), []);
  assert.equal(index.deliveries(publication('events', 'y')).map((d) => d.conn), ['a']);
  assert.is(index.size, 2);
  assert.is(index.unsubscribe('a', 'events'), true);
  assert.is(index.unsubscribe('a', 'events'), false);
  index.remove('a');
  assert.is(index.size, 0);
  assert.equal(index.deliveries(publication('messages', undefined)), []);
});

test('an event without a namespace reaches only the subscriptions without namespaces; skip leaves a connection out before its filter runs', () => {
  const index = new SubscriptionIndex<string>();
  const f = counting('exists(n)');
  index.subscribe(sub('ns', 'events', ['a']));
  index.subscribe(sub('all', 'events', undefined, f));
  assert.equal(index.deliveries(publication('events', undefined, { n: 1 })).map((d) => d.conn), ['all']);
  assert.equal(index.deliveries(publication('events', 'a', { n: 1 }), (c) => c === 'all').map((d) => d.conn), ['ns']);
  assert.is(f.calls, 1);
});

test('field selectors: pointers, sub-selections in parentheses and * for any key; what is absent is left out', () => {
  const thing = { thingId: 'a:b', attributes: { complex: { some: 1, serialNo: 'x', other: 2 }, loc: 'k' }, features: { f1: { properties: { on: true, w: 1 } }, f2: { properties: {} } } };
  assert.equal(selectFields(thing, parseFieldSelector('thingId,attributes/complex(some,serialNo),features/*/properties/on,missing/x')), {
    thingId: 'a:b',
    attributes: { complex: { some: 1, serialNo: 'x' } },
    features: { f1: { properties: { on: true } } },
  });
  assert.equal(selectFields(thing, parseFieldSelector('attributes,attributes/loc')), { attributes: thing.attributes });
  assert.throws(() => parseFieldSelector('attributes/complex(some'), /^missing "\)" at 23$/);
  assert.throws(() => parseFieldSelector('a,,b'), /^empty field at 2$/);
});

test('control messages: identifiers matched as prefixes, longest first, parameters URL-decoded; other text is none', () => {
  const control = new ControlMessages(controlSpec({ preset: 'ditto' }));
  assert.equal(control.parse('START-SEND-LIVE-EVENTS?namespaces=a,%20b&filter=eq(x,%22a%2Bb%22)&extraFields=attributes'), {
    kind: 'start',
    identifier: 'START-SEND-LIVE-EVENTS',
    topic: { topic: 'live-events', start: 'START-SEND-LIVE-EVENTS', stop: 'STOP-SEND-LIVE-EVENTS', filter: true },
    namespaces: ['a', 'b'],
    filter: 'eq(x,"a+b")',
    extraFields: 'attributes',
  });
  const messages = control.parse('START-SEND-MESSAGES?filter=eq(x,1)');
  assert.is(messages?.kind === 'start' && messages.filter, undefined);
  assert.equal(control.parse('JWT-TOKEN?jwtToken=abc'), { kind: 'token', identifier: 'JWT-TOKEN', token: 'abc' });
  assert.is(control.parse('{"topic":"x"}'), undefined);
  assert.is(control.candidate(Buffer.from('{"topic":"x"}')), false);
  assert.is(control.candidate(Buffer.from('STOP-SEND-EVENTS')), true);
});

test.run();
