import { ObjectUnsubscribedError, Subject, type Subscription } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Port } from '../../../src/runtime/port.js';

/** The same scenario on an RxJS Subject and on a Port: what each observer saw, in order. */
function both(scenario: (subject: Subject<number>, log: string[]) => void): void {
  const seen = [new Subject<number>(), new Port<number>()].map((subject) => {
    const log: string[] = [];
    scenario(subject, log);
    return log;
  });
  assert.equal(seen[1], seen[0]);
  assert.ok(seen[0]!.length > 0, 'the scenario observed something');
}

test('a port delivers every value to every observer in the order they subscribed, as a Subject does', () => {
  both((s, log) => {
    s.subscribe((v) => log.push(`a${v}`));
    s.subscribe((v) => log.push(`b${v}`));
    s.next(1);
    s.next(2);
  });
});

test('an observer subscribing while a value is delivered gets the next value, not that one', () => {
  both((s, log) => {
    s.subscribe((v) => {
      log.push(`a${v}`);
      if (v === 1) s.subscribe((w) => log.push(`late${w}`));
    });
    s.next(1);
    s.next(2);
  });
});

test('an observer unsubscribed while a value is delivered still gets that value, then nothing', () => {
  both((s, log) => {
    let second: Subscription | undefined;
    s.subscribe((v) => {
      log.push(`a${v}`);
      second?.unsubscribe();
    });
    second = s.subscribe((v) => log.push(`b${v}`));
    s.next(1);
    s.next(2);
  });
});

test('nothing is delivered after complete or error, and completion reaches every observer', () => {
  both((s, log) => {
    s.subscribe({ next: (v) => log.push(`a${v}`), complete: () => log.push('done') });
    s.next(1);
    s.complete();
    s.next(2);
  });
  both((s, log) => {
    s.subscribe({ next: (v) => log.push(`a${v}`), error: (e: Error) => log.push(e.message) });
    s.error(new Error('boom'));
    s.next(2);
  });
});

test('next after unsubscribe() throws ObjectUnsubscribedError, as on a Subject', () => {
  const port = new Port<number>();
  port.unsubscribe();
  assert.throws(() => port.next(1), (e: unknown) => e instanceof ObjectUnsubscribedError);
});

test('pipe and asObservable see the values of a port', () => {
  const port = new Port<number>();
  const seen: number[] = [];
  port.asObservable().subscribe((v) => seen.push(v));
  port.next(3);
  assert.equal(seen, [3]);
});

test.run();
