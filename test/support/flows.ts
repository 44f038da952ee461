/** Small flows that tests build on. */
export function echoFlow(overrides: { codec?: unknown; preprocessors?: unknown[]; postprocessors?: unknown[]; config?: Record<string, unknown> } = {}): object {
  return {
    use: ['std'],
    connectors: {
      server: {
        type: 'ws_server',
        codec: overrides.codec ?? 'json',
        preprocessors: overrides.preprocessors ?? [{ name: 'separate', config: { buffered: false } }],
        postprocessors: overrides.postprocessors ?? ['separate'],
        config: { url: 'ws://127.0.0.1:0', ...overrides.config },
      },
    },
    pipelines: { echo: { from: 'std::passthrough' } },
    links: [
      ['server', 'echo'],
      ['echo', 'server'],
    ],
  };
}
