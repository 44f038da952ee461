import type WebSocket from 'ws';
import { z } from 'zod';

export const KeepaliveSchema = {
  ping_interval_ms: z.number().int().min(0).default(30_000).describe('send a ping this often; 0 disables keepalive'),
  pong_timeout_ms: z.number().int().positive().default(10_000).describe('close the connection when no pong arrives within this'),
};

/**
 * Pings a connection and terminates it when a pong does not come back in time, so a half-open
 * TCP peer (cable pulled, NAT forgot us) is noticed instead of looking connected forever.
 * Returns the function that stops it.
 */
export function keepalive(
  ws: WebSocket,
  { ping_interval_ms, pong_timeout_ms }: { ping_interval_ms: number; pong_timeout_ms: number },
  dead: (why: string) => void,
): () => void {
  if (ping_interval_ms === 0) return () => {};
  let deadline: NodeJS.Timeout | undefined;
  const onPong = (): void => {
    clearTimeout(deadline);
    deadline = undefined;
  };
  ws.on('pong', onPong);
  const interval = setInterval(() => {
    if (deadline !== undefined || ws.readyState !== ws.OPEN) return;
    ws.ping();
    deadline = setTimeout(() => {
      dead(`no pong within ${pong_timeout_ms} ms`);
      ws.terminate();
    }, pong_timeout_ms);
  }, ping_interval_ms);
  return () => {
    clearInterval(interval);
    clearTimeout(deadline);
    ws.off('pong', onPong);
  };
}
