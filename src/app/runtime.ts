import { loadFlow, type LoadOptions } from './load.js';
import type { FlowModel } from '../engine/model.js';
import { RuntimeError } from '../sdk/errors.js';
import { Flow, type FlowFinish, type FlowOptions } from '../engine/flow.js';
import { createLogger } from '../sdk/logger.js';

export interface RunOptions extends FlowOptions, Omit<LoadOptions, 'id'> {}

/**
 * Exit statuses of `tremolo run` (docs/exits-and-client.md): 0 after a signal or once every
 * source has finished; the code an exit connector asked for; these when a run ends on its own
 * with a source cut short. A flow that cannot load or start exits 1 (the CLI), a usage error 2,
 * a second signal 130.
 */
export const EXIT_STATUS = {
  /** Every source finished cleanly, or a signal stopped the run. */
  ok: 0,
  /** A source failed before its end (a read error). */
  failed: 1,
  /** A client gave up reconnecting (sysexits' EX_UNAVAILABLE: the service it needs is not there). */
  unavailable: 69,
} as const;

/** Why a run ends on its own, and with which exit status. */
export interface RunEnd {
  readonly status: number;
  /** For the log: `exit connector asked for 3`, `every source finished`, or what cut one short. */
  readonly reason: string;
  /** True when an exit connector ended it. */
  readonly exit: boolean;
}

/** The end an exit connector's code makes. */
export const exitEnd = (code: number): RunEnd => ({ status: code, reason: `an exit connector asked for code ${code}`, exit: true });

/**
 * Several flows deployed together, as `tremolo run a.json5 b.json5` does. The first `exit`
 * request of any flow ends all of them, with its code; otherwise the run ends once every flow
 * has finished (every source done), with the status of the worst.
 */
export class Runtime {
  readonly flows: Flow[] = [];
  readonly exited: Promise<number>;
  readonly ended: Promise<RunEnd>;
  #stopping: Promise<void> | undefined;

  private constructor(flows: Flow[]) {
    this.flows = flows;
    this.exited = Promise.race(flows.map((f) => f.exited));
    this.ended = Promise.race([
      this.exited.then(exitEnd),
      Promise.all(flows.map((f) => f.finished)).then(runEnd),
    ]);
  }

  /** Loads every file (all problems of all files at once), then deploys them in order. */
  static async start(files: readonly string[], options: RunOptions = {}): Promise<Runtime> {
    const models = await loadAll(files, options);
    const log = options.log ?? createLogger();
    const flows: Flow[] = [];
    try {
      for (const model of models) flows.push(await Flow.deploy(model, { ...options, log }));
    } catch (err) {
      await Promise.allSettled(flows.map((f) => f.stop()));
      throw err;
    }
    return new Runtime(flows);
  }

  flow(id: string): Flow {
    const flow = this.flows.find((f) => f.id === id);
    if (flow === undefined) {
      throw new RuntimeError('ERR_LINK_INVALID', `no flow ${JSON.stringify(id)}; flows: ${this.flows.map((f) => f.id).join(', ')}`);
    }
    return flow;
  }

  stop(): Promise<void> {
    this.#stopping ??= Promise.allSettled(this.flows.map((f) => f.stop())).then(() => undefined);
    return this.#stopping;
  }
}

function runEnd(finishes: readonly FlowFinish[]): RunEnd {
  const worst = finishes.find((f) => f.gaveUp) ?? finishes.find((f) => f.failure !== undefined);
  if (worst?.failure === undefined) return { status: EXIT_STATUS.ok, reason: 'every source finished', exit: false };
  return { status: worst.gaveUp ? EXIT_STATUS.unavailable : EXIT_STATUS.failed, reason: worst.failure, exit: false };
}

/**
 * Loads flows for one run, reporting the problems of every file at once. With several files, an
 * `--arg` goes to each flow that declares it and must be declared by at least one; ids are made
 * unique (`echo`, `echo-2`).
 */
export async function loadAll(files: readonly string[], options: Omit<LoadOptions, 'id'> = {}): Promise<FlowModel[]> {
  const given = options.args ?? {};
  const several = files.length > 1;
  const messages: string[] = [];
  const models: FlowModel[] = [];
  const ids = new Map<string, number>();
  for (const file of files) {
    try {
      const model = await loadFlow(file, { ...options, undeclaredArgs: several ? 'ignore' : 'error' });
      const n = (ids.get(model.id) ?? 0) + 1;
      ids.set(model.id, n);
      models.push(n === 1 ? model : { ...model, id: `${model.id}-${n}` });
    } catch (err) {
      messages.push((err as Error).message);
    }
  }
  if (messages.length > 0) throw new RuntimeError('ERR_FLOW_INVALID', messages.join('\n'));
  const unused = Object.keys(given).filter((name) => !models.some((m) => name in m.args));
  if (unused.length > 0) {
    throw new RuntimeError('ERR_ARG_UNKNOWN', `no flow declares the arg${unused.length > 1 ? 's' : ''} ${unused.map((a) => JSON.stringify(a)).join(', ')}`);
  }
  return models;
}
