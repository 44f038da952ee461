import { z } from 'zod';
import { dispatched, emptyMeta, type BatchItem } from '../../sdk/event.js';
import { defineOperator } from '../../sdk/operator-api.js';
import { Contributors } from './shared/contributors.js';
import { holding } from './shared/holding.js';

/**
 * Tremor's generic::batch: events are collected until `count` of them are there or `timeout_ms`
 * has passed since the first one, then leave as one event whose data is the array of their data,
 * with the origins of every one of them (a reply goes back to each connection that contributed).
 * The event is marked a batch (`event.batch`: each one's metadata and origins), so sinks write its
 * events one by one in one go, as Tremor's do, and an http_client sends them as one request.
 */
export const batch = defineOperator({
  name: 'batch',
  description:
    'Collects events into one event whose data is the array of their data, sent when `count` events are there or `timeout_ms` after the first one, whichever comes first; it carries the origins of all of them and empty metadata, and is marked a batch: each event keeps its own metadata and origins, and a sink writes the events one by one (each encoded on its own, replies routed by their own metadata), except http_client, which sends a batch as one request whose body is each event encoded in turn (one chunk each with `transfer-encoding: chunked`). When the input completes, a partial batch is sent.',
  config: z
    .strictObject({
      count: z.int().positive().optional().describe('send the batch when it holds this many events'),
      timeout_ms: z.number().positive().optional().describe('send the batch this long after its first event'),
    })
    .refine((c) => c.count !== undefined || c.timeout_ms !== undefined, { error: 'expected "count", "timeout_ms" or both' }),
  create({ count, timeout_ms: timeout }, ctx) {
    return holding(ctx, ({ emit, timer }) => {
      let items: unknown[] = [];
      let kept: BatchItem[] = [];
      const from = new Contributors();
      const send = (): void => {
        const data = items;
        const batch = kept;
        items = [];
        kept = [];
        due.cancel();
        dispatched({ ...from.build(data, emptyMeta()), batch }, emit);
      };
      const due = timer(send);
      return {
        next(event) {
          items.push(event.data);
          kept.push({ meta: event.meta, origins: event.origins });
          from.add(event);
          if (count !== undefined && items.length >= count) send();
          else if (items.length === 1 && timeout !== undefined) due.arm(timeout);
        },
        flush() {
          if (items.length > 0) send();
        },
        stop: () => due.cancel(),
      };
    });
  },
});
