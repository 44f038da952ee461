import type { Socket } from 'node:net';
import { z } from 'zod';
import { BoundedQueue } from '../../sdk/bounded-queue.js';
import type { ConnectorContext, ConnectorInstance, SourceStream } from '../../sdk/connector-api.js';
import { reason } from '../../sdk/errors.js';
import type { Origin, TremoloEvent } from '../../sdk/event.js';
import type { SocketTarget } from '../../sdk/io/socket-dial.js';
import { adoptOr } from '../../sdk/io/upstream-handoff.js';
import { endSocket, readInto, SocketOutlet } from '../../sdk/io/socket-io.js';
import type { WaterMarks } from '../../sdk/io/water-marks.js';

export const PerStreamSchema = {
  per_stream: z
    .boolean()
    .default(false)
    .describe(
      'one upstream connection per originating stream of the events received (a gateway): replies carry that stream’s origins, and closes propagate both ways; `reconnect` does not apply',
    ),
  max_pending: z
    .number()
    .int()
    .positive()
    .default(1000)
    .describe('per_stream: events that wait, per originating stream, while its upstream connects; past this they go to err (ERR_QUEUE_FULL)'),
};

export interface PerStreamOptions {
  readonly config: WaterMarks & { readonly buf_size: number; readonly max_pending: number };
  /**
   * The upstream an event asks for (its metadata's override, else the configured one), or why it
   * cannot have one. A handshake's connection named by ticket in `meta[kind].connection` is adopted
   * in its place (upstream-handoff.ts), whichever way the target was chosen.
   */
  target(event: TremoloEvent): SocketTarget | string;
}

interface Upstream {
  readonly origin: Origin;
  readonly key: string;
  readonly target: SocketTarget;
  /** Its flow-control key: it holds its originating stream while it connects, and when over its mark. */
  readonly holdKey: string;
  /** Events that arrived while it connects, written in order once it is up. */
  readonly pending: BoundedQueue<TremoloEvent>;
  /** Aborts the attempt while it connects; one per upstream, as a shared signal would gather a listener per attempt. */
  readonly connecting: AbortController;
  conn: { readonly socket: Socket; readonly stream: SourceStream; readonly outlet: SocketOutlet } | undefined;
  /** The originating stream ended: the upstream ends once what waits is written. */
  ending: boolean;
}

/** Origins that may not get an upstream again are remembered this many at most, oldest forgotten first. */
const REMEMBERED = 4096;

type PerStreamHooks = Required<Pick<ConnectorInstance, 'write' | 'pause' | 'resume' | 'originEnded' | 'closeStream' | 'flush' | 'stop'>>;

/**
 * A client that opens one upstream connection per originating stream (`event.origins[0]`) of the
 * events it receives: the WebSocket gateway, where each browser connection gets its own UNIX or
 * TCP connection. What an upstream sends back is emitted with the originating stream's origins, so
 * a server linked after it answers that very connection. Each upstream lives and dies with its
 * originating stream: when that stream ends the upstream is ended; when the upstream closes or
 * cannot connect, the owner of the originating stream is asked to close it. Nothing reconnects.
 */
export function perStreamClient(ctx: ConnectorContext, options: PerStreamOptions): PerStreamHooks {
  const { config } = options;
  const upstreams = new Map<string, Upstream>();
  const byStream = new Map<number, Upstream>();
  // An origin whose upstream closed, or that ended, never gets a new one: a late event for it
  // would open a connection that nothing closes. Bounded, since streams come and go for ever.
  const closed = new Map<string, string>();
  let paused = false;
  let stopping = false;

  const remember = (key: string, why: string): void => {
    closed.delete(key);
    closed.set(key, why);
    if (closed.size > REMEMBERED) closed.delete(closed.keys().next().value!);
  };

  const open = (origin: Origin, key: string, target: SocketTarget): Upstream => {
    const holdKey = `${target.label} for stream ${key}`;
    const up: Upstream = { origin, key, target, holdKey, pending: new BoundedQueue(config.max_pending), connecting: new AbortController(), conn: undefined, ending: false };
    upstreams.set(key, up);
    ctx.log.debug(`stream ${key}: connecting to ${target.label}`);
    // A burst that arrives with the connection (a browser's first frames) would overflow the
    // queue: the originating stream stops reading until the upstream can take it.
    ctx.hold(holdKey, [origin]);
    target.dial(up.connecting.signal).then(
      (socket) => connected(up, socket),
      (err: unknown) => unreachable(up, reason(err)),
    );
    return up;
  };

  const connected = (up: Upstream, socket: Socket): void => {
    if (stopping) {
      ctx.release(up.holdKey);
      socket.destroy();
      return;
    }
    const stream = ctx.openStream(ctx.meta(up.target.inner(socket)), [up.origin]);
    const conn = { socket, stream, outlet: new SocketOutlet(socket, up.holdKey, ctx, config) };
    up.conn = conn;
    byStream.set(stream.id, up);
    if (paused) socket.pause();
    readInto(socket, stream, config.buf_size);
    let failure: string | undefined;
    socket.on('error', (err) => (failure = err.message));
    socket.once('close', () => lost(up, failure));
    ctx.log.debug(`stream ${up.key}: connected to ${up.target.label} (stream ${stream.id})`);
    for (const event of up.pending.drain()) conn.outlet.write(event, stream.id);
    // Still over its mark after what waited, the outlet keeps the hold and releases it on drain.
    if (!conn.outlet.holding) ctx.release(up.holdKey);
    if (up.ending) void endSocket(socket);
  };

  const unreachable = (up: Upstream, why: string): void => {
    upstreams.delete(up.key);
    ctx.release(up.holdKey);
    const message = `${ctx.alias}: cannot connect to ${up.target.label}: ${why}; event not sent`;
    for (const event of up.pending.drain()) ctx.fail(event, 'ERR_NOT_CONNECTED', message);
    if (stopping || up.ending) return;
    ctx.log.info(`stream ${up.key}: cannot connect to ${up.target.label}: ${why}; closing the stream`);
    remember(up.key, `its upstream ${up.target.label} could not be reached (${why})`);
    // The peer of the originating stream (a browser) learns that much, not the internal address.
    ctx.closeOrigin(up.origin, 'upstream unreachable', 'upstream_unreachable');
  };

  const lost = (up: Upstream, failure: string | undefined): void => {
    const { stream } = up.conn!;
    upstreams.delete(up.key);
    byStream.delete(stream.id);
    stream.end();
    ctx.endSinkStream(stream.id);
    if (stopping || up.ending) {
      ctx.log.debug(`stream ${up.key}: upstream ${up.target.label} closed`);
      return;
    }
    const why = failure ?? 'closed by the upstream';
    ctx.log.debug(`stream ${up.key}: upstream ${up.target.label} ${why}; closing the stream`);
    remember(up.key, `its upstream ${up.target.label} closed (${why})`);
    // A reset is the upstream failing; an orderly close is the service ending the conversation.
    if (failure === undefined) ctx.closeOrigin(up.origin, 'upstream closed', 'upstream_closed');
    else ctx.closeOrigin(up.origin, 'upstream failed', 'failed');
  };

  return {
    write(event) {
      const origin = event.origins[0];
      if (origin === undefined) {
        ctx.fail(event, 'ERR_ROUTE_NO_TARGET', `${ctx.alias}: per_stream needs the stream an event came from, and this one has no origin; event not sent`);
        return;
      }
      const key = `${origin.connector}:${origin.stream}`;
      let up = upstreams.get(key);
      if (up === undefined) {
        const why = stopping ? 'the connector is stopping' : closed.get(key);
        if (why !== undefined) {
          ctx.fail(event, 'ERR_NOT_CONNECTED', `${ctx.alias}: no upstream connection for stream ${key}: ${why}; event not sent`);
          return;
        }
        const chosen = options.target(event);
        const target = typeof chosen === 'string' ? chosen : adoptOr(event.meta[ctx.kind] as Record<string, unknown> | undefined, chosen);
        if (typeof target === 'string') {
          ctx.fail(event, 'ERR_ROUTE_NO_TARGET', `${ctx.alias}: ${target}; event not sent`);
          return;
        }
        up = open(origin, key, target);
      }
      if (up.conn !== undefined) up.conn.outlet.write(event, up.conn.stream.id);
      else if (!up.pending.push(event)) {
        ctx.fail(event, 'ERR_QUEUE_FULL', `${ctx.alias}: the upstream connection for stream ${key} is still connecting and ${config.max_pending} events wait for it already (max_pending); event not sent`);
      }
    },
    originEnded(origin) {
      if (origin.connector === ctx.id) return;
      const key = `${origin.connector}:${origin.stream}`;
      remember(key, 'the stream it answers for has ended');
      const up = upstreams.get(key);
      if (up === undefined || up.ending) return;
      up.ending = true;
      // What was written still goes out; a connecting upstream writes what waits, then ends.
      if (up.conn !== undefined) void endSocket(up.conn.socket);
    },
    pause(stream) {
      if (stream === undefined) {
        paused = true;
        for (const up of byStream.values()) up.conn?.socket.pause();
      } else byStream.get(stream)?.conn?.socket.pause();
    },
    resume(stream) {
      if (stream === undefined) {
        paused = false;
        for (const up of byStream.values()) up.conn?.socket.resume();
      } else if (!paused) byStream.get(stream)?.conn?.socket.resume();
    },
    closeStream(stream, why) {
      const up = byStream.get(stream);
      if (up?.conn === undefined) return;
      ctx.log.debug(`closing upstream ${up.target.label} of stream ${up.key}: ${why}`);
      void endSocket(up.conn.socket);
    },
    async flush() {
      await Promise.all([...byStream.values()].map((up) => up.conn!.outlet.drained()));
    },
    async stop() {
      stopping = true;
      const closing: Promise<void>[] = [];
      for (const up of upstreams.values()) {
        for (const event of up.pending.drain()) ctx.fail(event, 'ERR_STOPPED', `${ctx.alias}: stopped before the upstream connection for stream ${up.key} was up; event not sent`);
        if (up.conn !== undefined) closing.push(endSocket(up.conn.socket));
        else up.connecting.abort();
      }
      await Promise.all(closing);
    },
  };
}
