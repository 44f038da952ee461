/**
 * The `thingsdb_gateway` operator: the checks that a WebSocket gateway in front of real ThingsDB
 * nodes adds to the relay (flows/thingsdb-gateway.json5). A ws_server (codec `binary`, postprocessor
 * `thingsdb`) feeds it one message per package; a per-stream tcp_client to the node's client port
 * (codec `binary`, preprocessor `thingsdb`) feeds it the node's packages. Packages go through
 * unchanged: client packages out of `node` (header and payload, as the node reads them from a
 * WebSocket message), node packages out of `out` back to the connection they are for. What it adds:
 * a malformed message closes the connection (as the node closes it), and before the connection is
 * authenticated no package larger than `max_size_before_auth` reaches the node.
 * Loaded with `use: ['thingsdb-gateway']` (pipelines/thingsdb-gateway.ts).
 */
import { Observable } from 'rxjs';
import { z } from 'zod';
import { defineOperator, type TremoloEvent } from 'tremolo';
import { GatewayConnections } from './thingsdb-gateway-connections.js';


const Config = z.strictObject({
  max_size_before_auth: z
    .number()
    .int()
    .min(64)
    .max(0x40000000)
    .default(4096)
    .describe(
      'largest package payload in bytes a connection may send before the node has accepted its AUTH (default 4096: an AUTH needs a few dozen). A larger one never reaches the node: an AUTH gets -53, another request -56, and the connection is closed. While an AUTH is answered, a larger one waits for the answer (at most 64 packages and 4 MiB)',
    ),
});

export default defineOperator({
  name: 'thingsdb_gateway',
  description:
    'A WebSocket gateway to ThingsDB nodes: client packages (one per message) out of `node` unchanged, node packages back to their connection; malformed messages close the connection, and nothing larger than max_size_before_auth reaches the node before it accepted an AUTH.',
  config: Config,
  outputs: () => ['out', 'node'],
  create(config, ctx) {
    const close = ctx.closeOrigin?.bind(ctx);
    if (close === undefined) throw new Error('thingsdb_gateway needs ctx.closeOrigin, to close a connection that sends a malformed package');
    return (source) =>
      new Observable<TremoloEvent>((subscriber) => {
        const connections = new GatewayConnections(
          { maxSizeBeforeAuth: config.max_size_before_auth },
          { client: (event) => subscriber.next(event), node: (event) => ctx.emit('node', event), close },
          ctx.log,
        );
        const ends = ctx.streamEnds?.subscribe((origin) => connections.ended(origin));
        const input = source.subscribe({
          next(event) {
            try {
              // The node's packages come from the tcp_client; the clients' from the ws_server.
              if (event.meta.tcp_client !== undefined) connections.fromNode(event);
              else connections.fromClient(event);
            } catch (err) {
              ctx.error(event, 'ERR_OPERATOR_FAILED', err instanceof Error ? err.message : String(err));
            }
          },
          error: (err: unknown) => subscriber.error(err),
          complete: () => subscriber.complete(),
        });
        return () => {
          input.unsubscribe();
          ends?.unsubscribe();
        };
      });
  },
});
