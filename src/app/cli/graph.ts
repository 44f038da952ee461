import { checkFlow } from '../load.js';
import { formatProblem } from '../../loader/problems.js';
import { readAsset } from '../ops/graph/assets.js';
import { describeFlow } from '../ops/graph/describe.js';
import { layoutFlow } from '../ops/graph/layout.js';
import { renderSvg } from '../ops/graph/svg.js';
import { COMMANDS } from './commands.js';
import { GRAPH_HELP } from './help.js';
import { argsOf, parse, portResolver } from './options.js';

export async function graph(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv, COMMANDS.graph!.options);
  if (values.help) {
    process.stdout.write(GRAPH_HELP);
    return 0;
  }
  if (positionals.length !== 1) {
    process.stderr.write(`tremolo graph: expected one flow file, received ${positionals.length}\n\n${GRAPH_HELP}`);
    return 2;
  }
  const file = positionals[0]!;
  const ports = portResolver();
  const { model, problems } = await checkFlow(file, { args: argsOf(values.arg as string[] | undefined), resolvers: { port: (name) => ports(name) ?? 0 } });
  if (model === undefined) {
    for (const p of problems) process.stderr.write(`${formatProblem(p)}\n`);
    return 1;
  }
  const svg = renderSvg(layoutFlow(describeFlow(model)), { css: readAsset('graph.css') });
  process.stdout.write(`<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`);
  return 0;
}
