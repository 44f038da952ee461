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
