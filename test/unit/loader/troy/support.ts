import { checkFlow, loadFlow } from '../../../../src/app/load.js';
import { formatProblem } from '../../../../src/loader/problems.js';
import type { FlowJson } from '../../../../src/loader/troy/compile-flow.js';
import { compileTroy } from '../../../../src/loader/load-troy.js';
import { createEvent, type Meta, type TremoloEvent } from '../../../../src/sdk/event.js';
import { memoryLogger } from '../../../../src/sdk/logger.js';
import { Pipeline } from '../../../../src/engine/pipeline.js';
import { builtins } from '../../../../src/app/builtins/registries.js';
import { tmpDir } from '../../../support/tmp.js';

/** Helpers of the .troy tests: files in a temporary folder, named in messages relative to it. */
export const tmp = tmpDir('tremolo-troy-');

const relative = (text: string): string => text.replaceAll(`${tmp.dir}/`, '');

/** Every problem of a .troy flow, as `tremolo validate` prints them. */
export async function problemsOf(text: string, name = 'flow.troy', env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const file = tmp.write(name, text);
  const { problems } = await checkFlow(file, { env });
  return problems.map((p) => relative(formatProblem(p)));
}

/** The JSON5 flow a .troy text compiles to; fails the test with the problems if it does not. */
export async function jsonOf(text: string, name = 'flow.troy', env: NodeJS.ProcessEnv = {}): Promise<FlowJson> {
  const file = tmp.write(name, text);
  const { flow, problems } = await compileTroy(text, file, { env, registries: builtins() });
  if (flow === undefined) throw new Error(`did not compile:\n${problems.map((p) => relative(formatProblem(p))).join('\n')}`);
  return flow;
}

/** A flow that only creates pipeline `p` from the given definition body. */
export const pipelineFlow = (definition: string, create = 'create pipeline p;'): string =>
  `define flow main\nflow\n${definition}\n${create}\nend;\ndeploy flow main;\n`;

export interface RunningPipeline {
  push(data: unknown, meta?: Meta, port?: string): void;
  /** The data of what came out of `port` so far. */
  out(port?: string): unknown[];
  events(port?: string): TremoloEvent[];
  /** What the pipeline logged, line by line as written (a line may hold line breaks). */
  logs(): string[];
  complete(): void;
}

/** Loads a .troy flow and runs its pipeline `p` in memory. */
export async function runPipeline(text: string, name = 'pipeline.troy'): Promise<RunningPipeline> {
  const model = await loadFlow(tmp.write(name, text));
  const spec = model.pipelines.find((p) => p.alias === 'p')!;
  const log = memoryLogger();
  const pipeline = new Pipeline(spec, log);
  const seen = new Map<string, TremoloEvent[]>();
  for (const [port, subject] of pipeline.outputs) {
    const list: TremoloEvent[] = [];
    seen.set(port, list);
    subject.subscribe((e) => list.push(e));
  }
  return {
    push: (data, meta = {}, port = 'in') => pipeline.inputs.get(port)!.next(createEvent(data, meta, [{ connector: 1, stream: 0 }])),
    out: (port = 'out') => (seen.get(port) ?? []).map((e) => e.data),
    events: (port = 'out') => seen.get(port) ?? [],
    logs: () => log.lines,
    complete: () => pipeline.complete(),
  };
}
