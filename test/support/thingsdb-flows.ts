import path from 'node:path';
import { startFlow, type TestFlow } from '../../src/app/testing/index.js';

/**
 * A flow of a thingsdb_client over thingsdb::client to `url`, retrying fast; requests go into
 * `client/in`, answers come out of `client/out`, room events out of `client/events`.
 */
export function clientFlow(url: string, config: Record<string, unknown> = {}): Promise<TestFlow> {
  return startFlow(
    {
      use: ['thingsdb', 'thingsdb-client'],
      connectors: { thingsdb: { from: 'thingsdb::client', args: { url, retry_interval_ms: 20, retry_max_interval_ms: 100 } } },
      pipelines: { client: { operators: [{ op: 'thingsdb_client', config }] } },
      links: [
        ['thingsdb', 'client'],
        ['client/send', 'thingsdb'],
      ],
    },
    // Placed away from flows/, whose thingsdb-*.json5 flows would shadow the modules of that name.
    { file: path.join(import.meta.dirname, 'thingsdb-client-flow.json5') },
  );
}
