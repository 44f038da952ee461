import fc from 'fast-check';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ByteQueue } from '../../../../src/sdk/io/byte-queue.js';

test('takes, peeks and searches exactly as one concatenated buffer would, for small and large reads mixed', () => {
  const read = fc.oneof(fc.uint8Array({ maxLength: 50 }), fc.uint8Array({ minLength: 4000, maxLength: 9000 })).map((u) => Buffer.from(u));
  const step = fc.oneof(
    read.map((data) => ({ op: 'push' as const, data })),
    fc.nat(12000).map((n) => ({ op: 'take' as const, n })),
    fc.tuple(fc.integer({ min: 0, max: 255 }), fc.nat(12000)).map(([byte, limit]) => ({ op: 'find' as const, byte, limit })),
  );
  fc.assert(
    fc.property(fc.array(step, { maxLength: 30 }), (steps) => {
      const queue = new ByteQueue();
      let model = Buffer.alloc(0);
      const taken: Array<[Buffer, Buffer]> = [];
      for (const s of steps) {
        if (s.op === 'push') {
          queue.push(s.data);
          model = Buffer.concat([model, s.data]);
        } else if (s.op === 'take') {
          const n = Math.min(s.n, model.length);
          assert.equal(queue.peek(n), model.subarray(0, n));
          const frame = queue.take(n);
          taken.push([frame, Buffer.from(frame)]);
          model = model.subarray(n);
        } else {
          const limit = Math.min(s.limit, model.length);
          assert.is(queue.indexOf(s.byte, limit), model.subarray(0, limit).indexOf(s.byte));
        }
        assert.is(queue.length, model.length);
      }
      // What was handed out earlier is never overwritten by later reads.
      for (const [view, copy] of taken) assert.equal(view, copy);
    }),
    { numRuns: 300 },
  );
});

test('a frame inside one read is a view of it, not a copy', () => {
  const queue = new ByteQueue();
  const read = Buffer.from('0123456789');
  queue.push(read);
  const frame = queue.take(4);
  assert.is(frame.buffer, read.buffer);
});

test.run();
