/**
 * Flows for socket connector tests. A byte stream has no message boundaries, so lines are the
 * frames: `separate` in (buffered: a half line waits for the rest) and out.
 */
export interface ConnectorOverrides {
  codec?: unknown;
  preprocessors?: unknown[];
  postprocessors?: unknown[];
  reconnect?: unknown;
}

export function connector(type: string, config: Record<string, unknown>, overrides: ConnectorOverrides = {}): Record<string, unknown> {
  return {
    type,
    codec: overrides.codec ?? 'json',
    preprocessors: overrides.preprocessors ?? ['separate'],
    postprocessors: overrides.postprocessors ?? ['separate'],
    config,
    ...(overrides.reconnect === undefined ? {} : { reconnect: overrides.reconnect }),
  };
}

/** A server whose every event goes back through a passthrough pipeline to its `in`. */
export function serverEchoFlow(type: string, config: Record<string, unknown>, overrides: ConnectorOverrides = {}): object {
  return {
    use: ['std'],
    connectors: { server: connector(type, config, overrides) },
    pipelines: { echo: { from: 'std::passthrough' } },
    links: [
      ['server', 'echo'],
      ['echo', 'server'],
    ],
  };
}

/** A lone client connector (tests push into its `in` and read its `out`). */
export function clientFlow(type: string, config: Record<string, unknown>, overrides: ConnectorOverrides = {}): object {
  return { connectors: { client: connector(type, config, overrides) } };
}

/** Fast, bounded retries for reconnect tests. */
export const quickRetry = { retry: { interval_ms: 50, growth_rate: 1, randomized: false, max_retries: 100 } };
