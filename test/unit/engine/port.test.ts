import { ObjectUnsubscribedError, Subject, type Subscription } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Port } from '../../../src/engine/port.js';

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

test('a link gets every value before the observers, and its completion once', () => {
  const from = new Port<number>();
  const to = new Port<number>();
  const log: string[] = [];
  from.subscribe({ next: (v) => log.push(`observer${v}`), complete: () => log.push('observer done') });
  from.link(to, () => log.push('link done'));
  to.subscribe((v) => log.push(`to${v}`));
  from.next(1);
  from.complete();
  from.complete();
  assert.equal(log, ['to1', 'observer1', 'link done', 'observer done']);
});

test('a link cut during a delivery still gets that value, then nothing', () => {
  const from = new Port<number>();
  const seen: number[] = [];
  const link = from.link({ next: (v) => seen.push(v) }, () => {});
  from.subscribe(() => link.unsubscribe());
  from.next(1);
  from.next(2);
  assert.equal(seen, [1]);
});

test('a throw downstream of a link is reported later, and the value still reaches the others', async () => {
  const from = new Port<number>();
  const seen: string[] = [];
  from.link({ next: () => { throw new Error('downstream broke'); } }, () => {});
  from.link({ next: (v) => seen.push(`link${v}`) }, () => {});
  from.subscribe((v) => seen.push(`observer${v}`));
  const reported = new Promise<unknown>((resolve) => process.once('uncaughtException', resolve));
  from.next(1);
  assert.equal(seen, ['link1', 'observer1']);
  const err = await Promise.race([reported, new Promise((resolve) => setTimeout(() => resolve('none'), 2000))]);
  assert.is((err as Error).message, 'downstream broke');
});

test.run();
