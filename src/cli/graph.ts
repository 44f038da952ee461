import { checkFlow } from '../flow/load.js';
import { formatProblem } from '../flow/problems.js';
import { readAsset } from '../ops/graph/assets.js';
import { describeFlow } from '../ops/graph/describe.js';
import { layoutFlow } from '../ops/graph/layout.js';
import { renderSvg } from '../ops/graph/svg.js';
import { argsOf, parse, portResolver } from './options.js';

export const GRAPH_HELP = `Usage: tremolo graph FLOW [--arg NAME=VALUE]... > flow.svg

Draws a flow file (.json5 or .troy) as an SVG picture on stdout, without running it: its
connectors, its pipelines with their operators, and the links between their ports; links that
lead back (an echo's replies) loop below. It is the drawing that the status API's page shows live,
with events per second on each link: tremolo run FLOW --api PORT, then open http://127.0.0.1:PORT/

Options
  --arg NAME=VALUE     override a flow arg (repeatable), as for run
  -h, --help           this text

\${port:NAME} placeholders take their value from TREMOLO_PORTS where it has one, else 0: nothing
is bound to draw a flow.

Exit status: 0 with the drawing on stdout; 1 when the flow has problems (each printed on stderr as
validate prints them, and nothing on stdout); 2 for a usage error.
`;

export async function graph(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv, { arg: { type: 'string', multiple: true } });
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
