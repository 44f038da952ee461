import type { LinkSpec } from './model.js';
import type { ConnectorHost } from './connector-host.js';
import type { Pipeline } from './pipeline.js';

// Walks of a flow's links, from a connector's output ports to the connectors they lead to.

/** `source:sink` connector id pairs joined by a path that carries back-pressure. */
export function couplings(connectors: ReadonlyMap<string, ConnectorHost>, pipelines: ReadonlyMap<string, Pipeline>, links: readonly LinkSpec[]): Set<string> {
  const pairs = new Set<string>();
  const paths = new Map([...pipelines].map(([alias, p]) => [alias, p.coupledPaths()]));
  for (const source of connectors.values()) {
    const seen = new Set<string>();
    const stack = [...source.outputs.keys()].map((port) => ({ node: source.alias, port }));
    while (stack.length > 0) {
      const at = stack.pop()!;
      for (const link of links) {
        if (link.from.node !== at.node || link.from.port !== at.port) continue;
        const sink = connectors.get(link.to.node);
        if (sink !== undefined) {
          pairs.add(`${source.id}:${sink.id}`);
          continue;
        }
        for (const pair of paths.get(link.to.node) ?? []) {
          const [input, output] = pair.split('>') as [string, string];
          const key = `${link.to.node}/${output}`;
          if (input === link.to.port && !seen.has(key)) {
            seen.add(key);
            stack.push({ node: link.to.node, port: output });
          }
        }
      }
    }
  }
  return pairs;
}

/**
 * The connectors a source's data ports (all but `err`) lead to, through any pipelines on the way.
 * A pipeline is taken to pass any input to any of its data outputs: at worst a source counts as
 * alive for longer than it is.
 */
export function reachedSinks(
  connectors: ReadonlyMap<string, ConnectorHost>,
  pipelineOutputs: ReadonlyMap<string, Iterable<string>>,
  links: readonly LinkSpec[],
  source: ConnectorHost,
): Set<ConnectorHost> {
  const sinks = new Set<ConnectorHost>();
  const seen = new Set<string>();
  const stack = [...source.outputs.keys()].filter((p) => p !== 'err').map((port) => ({ node: source.alias, port }));
  while (stack.length > 0) {
    const at = stack.pop()!;
    for (const { from, to } of links) {
      if (from.node !== at.node || from.port !== at.port) continue;
      const sink = connectors.get(to.node);
      if (sink !== undefined) sinks.add(sink);
      else if (!seen.has(to.node)) {
        seen.add(to.node);
        for (const port of pipelineOutputs.get(to.node) ?? []) if (port !== 'err') stack.push({ node: to.node, port });
      }
    }
  }
  return sinks;
}
