import { z } from 'zod';

/**
 * What a transport can do with a connection that reads too slowly, as the outlet core and the
 * options of its connectors see it (see outlet.ts).
 */
export interface OutletTransport {
  /**
   * It can lose a whole message for one connection, so it offers `drop_oldest` and `drop_newest`
   * (its own layer implements them before writing) and drops past `max_buffered_bytes` rather than
   * close. A byte stream cannot lose a piece from its middle: past the bound it is closed.
   */
  readonly drops: boolean;
  /** The close code it sends a connection closed for reading too slowly (1008 for a WebSocket), if it has codes. */
  readonly closeCode?: number;
}

/** `closed with 1008`, or `closed`: how the log and the reference say it. */
export const closedHow = (transport: OutletTransport): string => (transport.closeCode === undefined ? 'closed' : `closed with ${transport.closeCode}`);

const POLICIES = ['auto', 'pause', 'close', 'drop_oldest', 'drop_newest'] as const;
export type SlowPolicy = (typeof POLICIES)[number];

export interface SlowConsumer {
  readonly policy: SlowPolicy;
  readonly max_buffered_bytes: number;
  readonly max_slow_ms: number;
}

/** The marks of one connection; without `slow_consumer` it always holds its sources (a byte-stream client). */
export interface WaterMarks {
  readonly high_water_mark: number;
  readonly low_water_mark: number;
  readonly slow_consumer?: SlowConsumer;
}

const SLOW_DEFAULTS = { policy: 'auto', max_buffered_bytes: 16 * 1024 * 1024, max_slow_ms: 10_000 } as const;

/**
 * What happens to a connection that reads slower than events arrive for it. Two kinds of flows
 * want opposite things. A relay (an echo, a gateway) must lose nothing: the sources feeding the
 * connection are paused until it drains, which costs only that connection's own sender or
 * upstream. A broadcast (a chat, rooms, topics) must not let one subscriber stop the senders,
 * who feed every other subscriber too: the slow one is isolated, and closed once it falls too far
 * behind, as Redis and NATS treat slow subscribers. `auto` tells them apart per event.
 */
function slowConsumerSchema(transport: OutletTransport) {
  const closed = closedHow(transport);
  const closes = transport.closeCode === undefined ? 'close the connection' : `close the connection with ${transport.closeCode}`;
  const policies = transport.drops ? POLICIES : POLICIES.filter((p) => !p.startsWith('drop_'));
  return z
    .strictObject({
      policy: z
        // Typed as every policy: a byte stream's schema accepts fewer, and its outlet never sees a drop_*.
        .enum(policies as unknown as typeof POLICIES)
        .default('auto')
        .describe(
          'auto: `pause` for an event that goes back to a connection it came from (an echo, an answer, a gateway relaying for its browser), `close` for one that came from elsewhere (a broadcast: chat, rooms, topics), so a slow reader never holds up the senders; on a client, auto is pause. ' +
            `pause: hold the sources feeding the connection until it drains (loses nothing). close: never hold the sources; ${closes} once it is past max_buffered_bytes, or over high_water_mark for max_slow_ms` +
            (transport.drops ? '. drop_oldest / drop_newest: never hold the sources; drop frames for this connection past max_buffered_bytes (counted, reported on err once a second)' : ''),
        ),
      max_buffered_bytes: z
        .number()
        .int()
        .positive()
        .default(SLOW_DEFAULTS.max_buffered_bytes)
        .describe(
          transport.drops
            ? `bytes one connection may have waiting at most, whatever the policy: beyond it frames are dropped (pause, drop_oldest, drop_newest) or the connection is ${closed} (close, and auto for a broadcast)`
            : `bytes one connection may have waiting at most: beyond it the connection is ${closed}, whatever the policy (a byte stream cannot lose a piece from its middle)`,
        ),
      max_slow_ms: z.number().int().positive().default(SLOW_DEFAULTS.max_slow_ms).describe(`close, and auto for a broadcast: a connection that stays over high_water_mark this long is ${closed}`),
    })
    .default(SLOW_DEFAULTS)
    .describe('what happens to a connection that reads slower than events arrive; see docs/flow-control.md');
}

const highWaterMark = (description: string) =>
  z
    .number()
    .int()
    .positive()
    .default(1024 * 1024)
    .describe(description);

const lowWaterMark = z
  .number()
  .int()
  .min(0)
  .default(256 * 1024)
  .describe('bytes buffered below which they resume');

/**
 * The flow-control options of a connector's connections, to spread into its config schema: the
 * one definition every socket sink (tcp, unix, ws) and a third party's builds on.
 *
 * Without a transport, the marks of a connection that always holds its sources above its
 * high-water mark: a byte-stream client's (what it sends feeds nothing else, and its bytes cannot
 * be dropped). With one, a `slow_consumer` policy too: the policies the transport can carry out,
 * its close code in the descriptions.
 */
export function waterMarksSchema(): { high_water_mark: ReturnType<typeof highWaterMark>; low_water_mark: typeof lowWaterMark };
export function waterMarksSchema(transport: OutletTransport): {
  slow_consumer: ReturnType<typeof slowConsumerSchema>;
  high_water_mark: ReturnType<typeof highWaterMark>;
  low_water_mark: typeof lowWaterMark;
};
export function waterMarksSchema(transport?: OutletTransport) {
  if (transport === undefined) return { high_water_mark: highWaterMark('bytes buffered for one connection above which the sources feeding it are paused'), low_water_mark: lowWaterMark };
  return {
    slow_consumer: slowConsumerSchema(transport),
    high_water_mark: highWaterMark(`bytes buffered for one connection above which it is slow: the sources feeding it are paused (pause), or it is isolated (close${transport.drops ? ', drop_*' : ''})`),
    low_water_mark: lowWaterMark,
  };
}

/** For a config's `superRefine`: a low-water mark above the high-water mark would release a hold at once. */
export function checkWaterMarks(c: { readonly high_water_mark: number; readonly low_water_mark: number }, ctx: z.RefinementCtx): void {
  if (c.low_water_mark > c.high_water_mark) ctx.addIssue({ code: 'custom', path: ['low_water_mark'], message: `expected at most high_water_mark (${c.high_water_mark}), received ${c.low_water_mark}` });
}
