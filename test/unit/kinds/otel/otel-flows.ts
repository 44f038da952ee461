import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';

/** An otel_server whose requests go through a pipeline to a sink, so that each is delivered (and answered OK). */
export const serverFlow = (config: object = {}): object => ({
  use: ['std'],
  connectors: { otel: { type: 'otel_server', config: { url: '127.0.0.1:0', ...config } }, sink: { type: 'null' } },
  pipelines: { pass: { from: 'std::passthrough' } },
  links: [
    ['otel', 'pass'],
    ['pass', 'sink'],
  ],
});

/** Runs `body` with such a flow and its server's http:// address, and stops the flow after. */
export async function withServer(config: object, body: (flow: TestFlow, url: string) => Promise<void>): Promise<void> {
  const flow = await startFlow(serverFlow(config));
  try {
    await body(flow, flow.address('otel'));
  } finally {
    await flow.stop();
  }
}
