import type { Socket } from 'node:net';
import type { ConnectorContext } from '../connector-api.js';
import type { Origin } from '../event.js';
import type { SlowConsumer, SlowPolicy } from './water-marks.js';

/** Whether an event came from this very stream of this connector: a reply, an echo, a relay. */
export function cameFrom(origins: readonly Origin[], connector: number, stream: number): boolean {
  for (const o of origins) if (o.connector === connector && o.stream === stream) return true;
  return false;
}

/**
 * Whether a connection over its high-water mark holds the sources of this event (pause, and auto
 * for an event that came from it), rather than being isolated from them.
 */
export function holdsSources(policy: SlowPolicy, origins: readonly Origin[], connector: number, stream: number): boolean {
  return policy === 'pause' || (policy === 'auto' && cameFrom(origins, connector, stream));
}

/** While a connection is isolated over its high-water mark: the deadline of `max_slow_ms`. */
export interface SlowWatch {
  readonly timer: NodeJS.Timeout;
  readonly drained: () => void;
}

/**
 * An isolated connection over its high-water mark: `close` is called if it is still slow
 * (`stillSlow`) after `ms`. A drain (everything sent) ends the episode.
 */
export function watchSlow(outlet: { readonly socket: Socket; slow?: SlowWatch | undefined }, ms: number, stillSlow: () => boolean, close: () => void): void {
  if (outlet.slow !== undefined) return;
  const drained = (): void => {
    clearTimeout(timer);
    outlet.slow = undefined;
  };
  const timer = setTimeout(() => {
    outlet.socket.off('drain', drained);
    outlet.slow = undefined;
    if (stillSlow()) close();
  }, ms).unref();
  outlet.slow = { timer, drained };
  outlet.socket.once('drain', drained);
}

/** The connection is closing: its `max_slow_ms` deadline goes. */
export function unwatchSlow(outlet: { readonly socket: Socket; slow?: SlowWatch | undefined }): void {
  if (outlet.slow === undefined) return;
  clearTimeout(outlet.slow.timer);
  outlet.socket.off('drain', outlet.slow.drained);
  outlet.slow = undefined;
}

/**
 * `auto` on a connection made by a client: what it sends never came from it, and nothing else
 * would be held up by holding its sources but what feeds it, so it always holds them.
 */
export const clientPolicy = <C extends { readonly slow_consumer: SlowConsumer }>(config: C): C =>
  config.slow_consumer.policy === 'auto' ? { ...config, slow_consumer: { ...config.slow_consumer, policy: 'pause' } } : config;

interface Report {
  /** Connections closed since the connector started. */
  closed: number;
  /** Closed since the last line, and the last of them. */
  recent: number;
  last: string;
  loggedAt: number;
  timer: NodeJS.Timeout | undefined;
  /** `closed with 1008` (a WebSocket), `closed` (a stream socket). */
  readonly how: string;
}

const reports = new WeakMap<ConnectorContext, Report>();

/**
 * Logs that a connection was closed for reading too slowly: at once for the first, then at most
 * one line a second for a connector, with the count, so 200 subscribers closed together make one
 * or two lines, not 200.
 */
export function reportSlowClose(ctx: ConnectorContext, key: string, why: string, how: string): void {
  let report = reports.get(ctx);
  if (report === undefined) reports.set(ctx, (report = { closed: 0, recent: 0, last: '', loggedAt: -Infinity, timer: undefined, how }));
  report.closed++;
  report.recent++;
  report.last = `connection ${key} (${why})`;
  const now = performance.now();
  if (now - report.loggedAt >= 1000) flush(ctx, report, now);
  else report.timer ??= setTimeout(() => flush(ctx, report, performance.now()), 1000 - (now - report.loggedAt)).unref();
}

function flush(ctx: ConnectorContext, report: Report, now: number): void {
  clearTimeout(report.timer);
  report.timer = undefined;
  if (report.recent === 0) return;
  const what =
    report.recent === 1
      ? `${report.last} ${report.how}: it reads too slowly`
      : `${report.recent} connections ${report.how} for reading too slowly in the last ${((now - report.loggedAt) / 1000).toFixed(1)} s, the last ${report.last}`;
  ctx.log.warn(`${what}; ${report.closed} slow connection${report.closed === 1 ? '' : 's'} closed since start`);
  report.recent = 0;
  report.loggedAt = now;
}
