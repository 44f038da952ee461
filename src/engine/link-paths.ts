import type { LinkSpec } from './model.js';
import type { ConnectorHost } from './connector-host.js';
import type { Pipeline } from './pipeline.js';

// Walks of a flow's links, from a connector's output ports to the connectors they lead to.

/**
 * The connectors reached from `ports` of `source`, where `onward(pipeline, input)` names the output
 * ports of a pipeline that an event arriving on `input` may leave by.
 */
function sinksFrom(
  connectors: ReadonlyMap<string, ConnectorHost>,
  links: readonly LinkSpec[],
  source: ConnectorHost,
  ports: Iterable<string>,
  onward: (pipeline: string, input: string) => Iterable<string>,
): Set<ConnectorHost> {
  const sinks = new Set<ConnectorHost>();
  const seen = new Set<string>();
  const stack = [...ports].map((port) => ({ node: source.alias, port }));
  while (stack.length > 0) {
    const at = stack.pop()!;
    for (const { from, to } of links) {
      if (from.node !== at.node || from.port !== at.port) continue;
      const sink = connectors.get(to.node);
      if (sink !== undefined) {
        sinks.add(sink);
        continue;
      }
      for (const port of onward(to.node, to.port)) {
        const key = `${to.node}/${port}`;
        if (seen.has(key)) continue;
        seen.add(key);
        stack.push({ node: to.node, port });
      }
    }
  }
  return sinks;
}

/** `source:sink` connector id pairs joined by a path that carries back-pressure. */
export function couplings(connectors: ReadonlyMap<string, ConnectorHost>, pipelines: ReadonlyMap<string, Pipeline>, links: readonly LinkSpec[]): Set<string> {
  const paths = new Map([...pipelines].map(([alias, p]) => [alias, [...p.coupledPaths()].map((pair) => pair.split('>') as [string, string])]));
  const onward = (pipeline: string, input: string): string[] => (paths.get(pipeline) ?? []).filter(([from]) => from === input).map(([, to]) => to);
  const pairs = new Set<string>();
  for (const source of connectors.values()) {
    for (const sink of sinksFrom(connectors, links, source, source.outputs.keys(), onward)) pairs.add(`${source.id}:${sink.id}`);
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
  const data = (ports: Iterable<string>): string[] => [...ports].filter((p) => p !== 'err');
  return sinksFrom(connectors, links, source, data(source.outputs.keys()), (pipeline) => data(pipelineOutputs.get(pipeline) ?? []));
}
