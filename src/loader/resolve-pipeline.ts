import { operatorOutputs } from '../sdk/operator-api.js';
import type { Registries } from '../sdk/registries.js';
import type { Scope } from './args.js';
import { resolveChain } from './definitions.js';
import { findCycle } from './cycles.js';
import { mergeLayers } from './layers.js';
import type { PathKey } from '../lang/source/locate.js';
import type { OperatorNode, PipelineEndpoint, PipelineSpec } from '../engine/model.js';
import type { LoadedFile } from './modules.js';
import type { Problems } from './problems.js';
import { check } from './resolve-connector.js';
import type { OperatorEntry } from './schema.js';

const splitEndpoint = (text: string): [string, string | undefined] => {
  const slash = text.indexOf('/');
  return slash < 0 ? [text, undefined] : [text.slice(0, slash), text.slice(slash + 1)];
};

export function resolvePipeline(
  alias: string,
  file: LoadedFile,
  flowScope: Scope,
  regs: Registries,
  problems: Problems,
): PipelineSpec | undefined {
  const instance = { entry: file.parsed.pipelines![alias] as Record<string, unknown>, file, path: ['pipelines', alias] };
  const chain = resolveChain('pipelines', instance, flowScope, problems);
  if (chain === undefined) return undefined;
  const merged = mergeLayers(chain.layers, chain.scopes, problems);
  const args = chain.scopes[0]!.args;
  const entry = merged.value;
  const before = problems.list.length;
  const report = (path: PathKey, message: string, code: 'ERR_PORT_INVALID' | 'ERR_LINK_INVALID' | 'ERR_LINK_CYCLE' | 'ERR_KIND_UNKNOWN' = 'ERR_LINK_INVALID') =>
    merged.report(problems, code, path, message);

  const ports = (entry.ports ?? {}) as { in?: string[]; out?: string[] };
  const inputs = ports.in ?? ['in'];
  const declaredOut = ports.out;
  const outputs = new Set<string>(declaredOut ?? ['out']);
  outputs.add('err');

  const raw = entry.operators as OperatorEntry[] | Record<string, OperatorEntry> | undefined;
  const isChain = raw === undefined || Array.isArray(raw);
  const entries: [string, OperatorEntry][] = raw === undefined ? [] : Array.isArray(raw) ? raw.map((e, i) => [String(i), e]) : Object.entries(raw);
  const nodes: OperatorNode[] = [];
  for (const [key, op] of entries) {
    const at: PathKey = ['operators', isChain ? Number(key) : key];
    const def = regs.operators.find(op.op);
    if (def === undefined) {
      report([...at, 'op'], regs.operators.unknownMessage(op.op), 'ERR_KIND_UNKNOWN');
      continue;
    }
    if (!isChain && inputs.includes(key)) {
      report(at, `operator name ${JSON.stringify(key)} is also an input port of the pipeline`);
      continue;
    }
    const config = check(def.config, op.config ?? {}, [...at, 'config'], merged, problems);
    if (config === undefined) continue;
    nodes.push({ name: key, def, config, outputs: operatorOutputs(def, config), ...(op.share_state === undefined ? {} : { shareState: op.share_state }) });
  }
  if (problems.list.length > before) return undefined;

  const links: { from: PipelineEndpoint; to: PipelineEndpoint }[] = [];
  const byName = new Map(nodes.map((n) => [n.name, n]));
  if (isChain) {
    let previous: PipelineEndpoint[] = inputs.map((port) => ({ kind: 'port', port }));
    for (const node of nodes) {
      for (const from of previous) links.push({ from, to: { kind: 'op', node: node.name, port: 'in' } });
      previous = [{ kind: 'op', node: node.name, port: node.outputs[0]! }];
      for (const side of node.outputs.slice(1)) {
        if (declaredOut !== undefined && !outputs.has(side)) {
          report(['operators', Number(node.name)], `operator ${JSON.stringify(node.def.name)} emits on port ${JSON.stringify(side)}, which is not among the pipeline's output ports: ${[...outputs].join(', ')}`, 'ERR_PORT_INVALID');
        }
        outputs.add(side);
        links.push({ from: { kind: 'op', node: node.name, port: side }, to: { kind: 'port', port: side } });
      }
    }
    for (const from of previous) links.push({ from, to: { kind: 'port', port: 'out' } });
  } else {
    for (const [i, link] of ((entry.links ?? []) as [string, string][]).entries()) {
      const resolveEnd = (text: string, side: 0 | 1): PipelineEndpoint | undefined => {
        const [name, port] = splitEndpoint(text);
        const node = byName.get(name);
        if (node !== undefined) {
          if (side === 0) {
            const p = port ?? node.outputs[0]!;
            // Every operator has an `err` port: linked, it takes the operator's errors in place of the pipeline's `err`.
            if (p === 'err' && !node.outputs.includes(p)) byName.set(name, { ...node, outputs: [...node.outputs, 'err'] });
            else if (!node.outputs.includes(p)) {
              report(['links', i, side], `operator ${JSON.stringify(name)} (${node.def.name}) has no output port ${JSON.stringify(p)}; ports: ${node.outputs.join(', ')}`, 'ERR_PORT_INVALID');
              return undefined;
            }
            return { kind: 'op', node: name, port: p };
          }
          if (port !== undefined && port !== 'in') {
            report(['links', i, side], `operator ${JSON.stringify(name)} has one input port, "in"; received ${JSON.stringify(port)}`, 'ERR_PORT_INVALID');
            return undefined;
          }
          return { kind: 'op', node: name, port: 'in' };
        }
        if (port !== undefined) {
          report(['links', i, side], `unknown operator ${JSON.stringify(name)}; operators: ${[...byName.keys()].join(', ') || '(none)'}`);
          return undefined;
        }
        if (side === 0) {
          if (!inputs.includes(name)) {
            report(['links', i, side], `${JSON.stringify(name)} is neither an operator nor an input port; operators: ${[...byName.keys()].join(', ')}; inputs: ${inputs.join(', ')}`);
            return undefined;
          }
          return { kind: 'port', port: name };
        }
        if (declaredOut !== undefined && !outputs.has(name)) {
          report(['links', i, side], `${JSON.stringify(name)} is neither an operator nor an output port; operators: ${[...byName.keys()].join(', ')}; outputs: ${[...outputs].join(', ')}`, 'ERR_PORT_INVALID');
          return undefined;
        }
        outputs.add(name);
        return { kind: 'port', port: name };
      };
      const from = resolveEnd(link[0], 0);
      const to = resolveEnd(link[1], 1);
      if (from !== undefined && to !== undefined) links.push({ from, to });
    }
    const edges = links
      .filter((l) => l.from.kind === 'op' && l.to.kind === 'op')
      .map((l) => [(l.from as { node: string }).node, (l.to as { node: string }).node] as const);
    const cycle = findCycle(edges);
    if (cycle !== undefined) {
      report(['links'], `operators form a cycle ${cycle.join(' → ')}; events would loop forever`, 'ERR_LINK_CYCLE');
    }
  }
  if (problems.list.length > before) return undefined;
  return { alias, args, inputs, outputs: [...outputs], nodes: nodes.map((n) => byName.get(n.name) ?? n), links };
}
