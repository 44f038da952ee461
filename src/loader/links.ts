import { inPorts, outPorts, type ConnectorDefinition } from '../sdk/connector-api.js';
import { didYouMean } from '../sdk/suggest.js';
import { findCycle } from './cycles.js';
import type { ConnectorSpec, LinkSpec, PipelineSpec } from '../engine/model.js';
import type { Problems, SourceFile } from './problems.js';

/**
 * Links between instances. A bare alias means the default port: `out` as a source, `in` as a
 * target. Connector-to-connector links are allowed (an echo needs no pipeline); a cycle made only of
 * pipelines is refused, since nothing would ever take its events out of the loop.
 */
export function resolveLinks(
  links: readonly (readonly [string, string])[],
  connectors: ReadonlyMap<string, ConnectorSpec>,
  pipelines: ReadonlyMap<string, PipelineSpec>,
  source: SourceFile & { readonly broken?: ReadonlySet<string> },
  problems: Problems,
  /** Aliases declared but not resolved (their problems are reported): links to them are skipped quietly. */
  failed: ReadonlySet<string> = new Set(),
  /** The kinds of failed connectors whose type is known: their ports are checked all the same. */
  failedKinds: ReadonlyMap<string, ConnectorDefinition> = new Map(),
): LinkSpec[] {
  const out: LinkSpec[] = [];
  const aliases = () => [...connectors.keys(), ...pipelines.keys(), ...failed].sort().join(', ');
  links.forEach((link, i) => {
    const ends = ([0, 1] as const).map((side) => {
      const text = link[side];
      const slash = text.indexOf('/');
      const node = slash < 0 ? text : text.slice(0, slash);
      const port = slash < 0 ? (side === 0 ? 'out' : 'in') : text.slice(slash + 1);
      const at = ['links', i, side];
      const c: { readonly def: ConnectorDefinition } | undefined = connectors.get(node) ?? (failedKinds.has(node) ? { def: failedKinds.get(node)! } : undefined);
      const p = pipelines.get(node);
      if (c === undefined && p === undefined) {
        if (failed.has(node) || source.broken?.has(node)) return undefined;
        problems.add('ERR_LINK_INVALID', source, at, `unknown connector or pipeline ${JSON.stringify(node)}; ${didYouMean(node, [...connectors.keys(), ...pipelines.keys(), ...failed])}known: ${aliases()}`);
        return undefined;
      }
      const ports = c !== undefined ? (side === 0 ? outPorts(c.def) : inPorts(c.def)) : side === 0 ? p!.outputs : p!.inputs;
      if (!ports.includes(port)) {
        const what = c !== undefined ? `connector ${JSON.stringify(node)} (${c.def.kind})` : `pipeline ${JSON.stringify(node)}`;
        const dir = side === 0 ? 'output' : 'input';
        problems.add('ERR_PORT_INVALID', source, at, `${what} has no ${dir} port ${JSON.stringify(port)}; ${dir} ports: ${ports.join(', ') || '(none)'}`);
        return undefined;
      }
      return failed.has(node) ? undefined : { node, port };
    });
    const [from, to] = ends;
    if (from !== undefined && to !== undefined) out.push({ from, to });
  });
  const edges = out.filter((l) => pipelines.has(l.from.node) && pipelines.has(l.to.node)).map((l) => [l.from.node, l.to.node] as const);
  const cycle = findCycle(edges);
  if (cycle !== undefined) {
    problems.add('ERR_LINK_CYCLE', source, ['links'], `pipelines form a cycle ${cycle.join(' → ')}; events would loop forever`);
  }
  return out;
}
