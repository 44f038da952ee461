import { isUtf8 } from 'node:buffer';
import type { Socket } from 'node:net';
import type WebSocket from 'ws';
import { z } from 'zod';
import type { ConnectorContext } from '../../runtime/connector-api.js';
import type { TremoloEvent } from '../../runtime/event.js';

export const WaterMarksSchema = {
  high_water_mark: z
    .number()
    .int()
    .positive()
    .default(1024 * 1024)
    .describe('bytes buffered for one connection above which the sources feeding it are paused'),
  low_water_mark: z
    .number()
    .int()
    .min(0)
    .default(256 * 1024)
    .describe('bytes buffered below which they resume'),
};

/**
 * Whether an event goes out as a binary frame: when the codec writes binary, or the event is
 * flagged binary (tremolo's `meta.ws_server.binary` / `meta.ws_client.binary`, or Tremor's
 * top-level `$binary`), so a binary frame received is echoed back binary.
 */
export function isBinaryEvent(event: TremoloEvent, ctx: ConnectorContext): boolean {
  if (ctx.binaryOutput) return true;
  const meta = event.meta as { binary?: unknown; ws_server?: { binary?: unknown }; ws_client?: { binary?: unknown } };
  return meta.binary === true || meta.ws_server?.binary === true || meta.ws_client?.binary === true;
}

export interface Outlet {
  readonly ws: WebSocket;
  readonly socket: Socket;
  /** The flow-control key of this connection. */
  readonly key: string;
  /** True while this connection holds its feeding sources paused. */
  holding: boolean;
}

/**
 * Sends an event's frames on one connection. A text frame must be UTF-8 (the peer would otherwise
 * close the connection), so bytes that are not go to `err` and the connection stays up. Above the
 * high-water mark the event's origins are held until the socket drains below the low-water mark.
 */
export function sendFrames(
  outlet: Outlet,
  event: TremoloEvent,
  stream: number,
  binary: boolean,
  ctx: ConnectorContext,
  marks: { high_water_mark: number; low_water_mark: number },
): void {
  const frames = ctx.serialize(event, stream);
  if (frames === undefined) return;
  for (const frame of frames) {
    if (!binary && typeof frame !== 'string' && !isUtf8(frame)) {
      ctx.fail(event, 'ERR_TEXT_NOT_UTF8', `${ctx.alias}: a text frame must be valid UTF-8; flag the event binary or use a binary codec`);
      return;
    }
    outlet.ws.send(frame, { binary });
  }
  if (outlet.ws.bufferedAmount > marks.high_water_mark) {
    ctx.hold(outlet.key, event.origins);
    if (!outlet.holding) {
      outlet.holding = true;
      const check = (): void => {
        if (outlet.ws.bufferedAmount > marks.low_water_mark && !outlet.socket.destroyed) return;
        outlet.socket.off('drain', check);
        outlet.socket.off('close', check);
        outlet.holding = false;
        ctx.release(outlet.key);
      };
      outlet.socket.on('drain', check);
      outlet.socket.on('close', check);
    }
  }
}

/** Resolves once everything written to the connection has been handed to the kernel. */
export function drained(outlet: Outlet): Promise<void> {
  if (outlet.ws.bufferedAmount === 0 || outlet.socket.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const check = (): void => {
      if (outlet.ws.bufferedAmount > 0 && !outlet.socket.destroyed) return;
      outlet.socket.off('drain', check);
      outlet.socket.off('close', check);
      resolve();
    };
    outlet.socket.on('drain', check);
    outlet.socket.on('close', check);
  });
}
