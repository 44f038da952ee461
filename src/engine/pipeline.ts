import { asyncScheduler, EMPTY, retry, type Observable, type OperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import type { PipelineEndpoint, PipelineSpec } from './model.js';
import { reason, type ErrorCode } from '../sdk/errors.js';
import { createEvent, type Origin, type TremoloEvent } from '../sdk/event.js';
import type { Logger } from '../sdk/logger.js';
import type { OperatorContext, StateCell, StreamStart } from '../sdk/operator-api.js';
import { fuseStages, planPipeline } from './pipeline-plan.js';
import { stageOf, type StageFactory } from '../sdk/stage.js';
import { Port } from './port.js';
import { errorData } from '../sdk/error-data.js';
import { connectWires, unfed } from './wire.js';

/**
 * A pipeline instance: RxJS Subjects for its ports, its operators composed into chains between
 * them (see pipeline-plan.ts).
 * Operators report bad events through `ctx.error` (values on `err`), so an Observable error here is
 * a bug in an operator: it is logged and the operator is resubscribed, and the pipeline goes on.
 */
export class Pipeline {
  readonly alias: string;
  readonly inputs = new Map<string, Port<TremoloEvent>>();
  readonly outputs = new Map<string, Port<TremoloEvent>>();
  readonly #subscriptions: Subscription[] = [];
  readonly #nodeInputs = new Map<string, Port<TremoloEvent>>();
  readonly #nodeOutputs = new Map<string, Map<string, Port<TremoloEvent>>>();
  /** Subjects nothing links into (the `err` of a passthrough): completed along with the inputs. */
  readonly #orphans: Port<TremoloEvent>[] = [];
  readonly #reach = new Map<string, string[]>();

  constructor(
    readonly spec: PipelineSpec,
    log: Logger,
    scheduler: SchedulerLike = asyncScheduler,
    /** Whether what one of the pipeline's output ports leads to can take events now. */
    outputReady: (port: string) => boolean = () => true,
    /** The ends of the flow's streams. */
    streamEnds: Observable<Origin> = EMPTY,
    /** The flow's streams as they open. */
    streamStarts: Observable<StreamStart> = EMPTY,
    /** Asks the connector that owns a stream to close it. */
    closeOrigin: (origin: Origin, reason: string) => void = () => {},
  ) {
    this.alias = spec.alias;
    const plog = log.child(spec.alias);
    for (const port of spec.inputs) this.inputs.set(port, new Port());
    for (const port of spec.outputs) this.outputs.set(port, new Port());
    const err = this.outputs.get('err')!;

    const plan = planPipeline(spec);
    const operators = new Map<string, OperatorFunction<TremoloEvent, TremoloEvent>>();
    const shared = new Map<string, StateCell>();
    for (const node of spec.nodes) {
      // Side ports get their Subjects now; a main output only when a chain does not carry it.
      const outs = new Map(node.outputs.slice(1).map((port) => [port, new Port<TremoloEvent>()]));
      this.#nodeOutputs.set(node.name, outs);
      const alias = `${spec.alias}/${node.name}`;
      const ctx: OperatorContext = {
        alias,
        args: spec.args,
        state: stateCell(shared, node.shareState),
        log: plog.child(node.name),
        scheduler,
        emit: (port, event) => {
          const out = outs.get(port);
          if (out === undefined) {
            this.#error(err, event, 'ERR_PORT_INVALID', `${alias}: emitted on undeclared port ${JSON.stringify(port)}; ports: ${node.outputs.slice(1).join(', ') || '(none)'}`);
          } else out.next(event);
        },
        // An operator whose own `err` port is linked reports there; the others on the pipeline's `err`.
        error: (event, code, message) => this.#error(outs.get('err') ?? err, event, code, message.startsWith(alias) ? message : `${alias}: ${message}`),
        ready: (port) => this.#reachableOutputs(node.name, port).every(outputReady),
        streamEnds,
        streamStarts,
        closeOrigin,
      };
      operators.set(node.name, node.def.create(node.config, ctx));
    }

    // Chains still running, by their input: once those fed from outside have all ended, the ports
    // nothing feeds (an `err`) are done too, and complete like the rest (a source that finished).
    const running = new Map<Port<TremoloEvent>, number>();
    const chainEnded = (input: Port<TremoloEvent>): void => {
      running.set(input, running.get(input)! - 1);
      if ([...running].every(([port, n]) => n === 0 || this.#orphans.includes(port))) for (const s of this.#orphans) s.complete();
    };
    for (const chain of plan.chains) {
      const head = chain.nodes[0]!;
      const tail = chain.nodes[chain.nodes.length - 1]!;
      let input: Port<TremoloEvent>;
      if (chain.inputPort !== undefined) input = this.inputs.get(chain.inputPort)!;
      else {
        input = new Port<TremoloEvent>();
        this.#nodeInputs.set(head.name, input);
      }
      let target: Port<TremoloEvent>;
      if (chain.outputPort !== undefined) target = this.outputs.get(chain.outputPort)!;
      else {
        target = new Port<TremoloEvent>();
        this.#nodeOutputs.get(tail.name)!.set(tail.outputs[0]!, target);
      }
      const sides = chain.nodes.flatMap((n) => [...this.#nodeOutputs.get(n.name)!.entries()].filter(([p]) => p !== n.outputs[0]).map(([, s]) => s));
      const names = chain.nodes.map((n) => `${n.name} (${n.def.name})`).join(' → ');
      const restarted = (e: unknown): void => plog.error(`operator ${names} failed and was restarted: ${reason(e)}`);
      running.set(input, (running.get(input) ?? 0) + 1);
      const finish = (): void => {
        for (const s of sides) s.complete();
        target.complete();
        chainEnded(input);
      };
      const ops = chain.nodes.map((n) => operators.get(n.name)!);
      const stages = ops.map(stageOf);
      if (stages.every((f) => f !== undefined)) {
        this.#subscriptions.push(fuseStages(stages as StageFactory[], input, target, finish, restarted));
        continue;
      }
      const composed = ops.reduce<Observable<TremoloEvent>>((obs, op) => obs.pipe(op), input);
      this.#subscriptions.push(
        composed
          .pipe(
            retry({
              delay: (e: unknown) => {
                restarted(e);
                return [0];
              },
            }),
          )
          .subscribe({ next: (event) => target.next(event), complete: finish }),
      );
    }

    const wires = spec.links.flatMap((l, i) => (plan.fused.has(i) ? [] : [{ from: this.#source(l.from), to: this.#target(l.to) }]));
    this.#subscriptions.push(...connectWires(wires));
    // What nothing feeds (the `err` of a passthrough) is completed along with the inputs; a port a
    // chain writes directly is fed by that chain.
    const chained = new Set(plan.chains.flatMap((c) => (c.outputPort === undefined ? [] : [this.outputs.get(c.outputPort)!])));
    this.#orphans.push(...unfed([...this.#nodeInputs.values(), ...this.outputs.values()], wires).filter((s) => !chained.has(s)));
  }

  /** The pipeline outputs an operator's port leads to, through any operators after it. */
  #reachableOutputs(node: string, port: string): string[] {
    const key = `${node}/${port}`;
    let found = this.#reach.get(key);
    if (found !== undefined) return found;
    const outs = new Set<string>();
    const seen = new Set<string>();
    const visit = (from: { node: string; port: string }): void => {
      for (const link of this.spec.links) {
        if (link.from.kind !== 'op' || link.from.node !== from.node || link.from.port !== from.port) continue;
        if (link.to.kind === 'port') outs.add(link.to.port);
        else if (!seen.has(link.to.node)) {
          seen.add(link.to.node);
          const next = this.spec.nodes.find((n) => n.name === (link.to as { node: string }).node)!;
          for (const p of next.outputs) visit({ node: next.name, port: p });
        }
      }
    };
    visit({ node, port });
    found = [...outs];
    this.#reach.set(key, found);
    return found;
  }

  /**
   * Which inputs reach which outputs without passing an operator that absorbs back-pressure, as
   * `in>out` pairs: flow control pauses a source only along such coupled paths.
   */
  coupledPaths(): Set<string> {
    const pairs = new Set<string>();
    const decoupling = new Set(this.spec.nodes.filter((n) => n.def.decouples?.(n.config) === true).map((n) => n.name));
    for (const input of this.spec.inputs) {
      const seen = new Set<string>();
      const stack: { kind: 'port' | 'op'; name: string }[] = [{ kind: 'port', name: input }];
      while (stack.length > 0) {
        const at = stack.pop()!;
        for (const link of this.spec.links) {
          const from = link.from;
          const matches = at.kind === 'port' ? from.kind === 'port' && from.port === at.name : from.kind === 'op' && from.node === at.name;
          if (!matches) continue;
          if (link.to.kind === 'port') pairs.add(`${input}>${link.to.port}`);
          else if (!decoupling.has(link.to.node) && !seen.has(link.to.node)) {
            seen.add(link.to.node);
            stack.push({ kind: 'op', name: link.to.node });
          }
        }
      }
    }
    return pairs;
  }

  /** Ends the pipeline's inputs: operators flush (a batch emits what it holds) and outputs complete. */
  complete(): void {
    for (const subject of this.inputs.values()) subject.complete();
    for (const subject of this.#orphans) subject.complete();
  }

  dispose(): void {
    for (const s of this.#subscriptions) s.unsubscribe();
  }

  #error(err: Port<TremoloEvent>, event: TremoloEvent, code: ErrorCode, message: string): void {
    event.settle?.fail(message);
    err.next(createEvent({ ...errorData(code, message, this.alias), event: event.data }, event.meta, event.origins, event.ingestNs));
  }

  #source(end: PipelineEndpoint): Port<TremoloEvent> {
    return end.kind === 'port' ? this.inputs.get(end.port)! : this.#nodeOutputs.get(end.node)!.get(end.port)!;
  }

  #target(end: PipelineEndpoint): Port<TremoloEvent> {
    return end.kind === 'port' ? this.outputs.get(end.port)! : this.#nodeInputs.get(end.node)!;
  }
}

/** An operator's own state, or the pipeline instance's one of that name. */
function stateCell(shared: Map<string, StateCell>, name: string | undefined): StateCell {
  if (name === undefined) return { value: null };
  let cell = shared.get(name);
  if (cell === undefined) shared.set(name, (cell = { value: null }));
  return cell;
}
