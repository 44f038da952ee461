import { asyncScheduler, Subject, type Observable, type SchedulerLike, type Subscription } from 'rxjs';
import type { ConnectorSpec, FlowModel } from './model.js';
import { ConnectorHost } from './connector-host.js';
import type { HostEnvironment } from './host-environment.js';
import { reason, RuntimeError } from '../sdk/errors.js';
import type { Origin, TremoloEvent } from '../sdk/event.js';
import type { CloseCause } from '../sdk/connector-api.js';
import { FlowControl } from './flow-control.js';
import { createLogger, type Logger } from '../sdk/logger.js';
import type { StreamStart } from '../sdk/operator-api.js';
import { Pipeline } from './pipeline.js';
import type { Port } from './port.js';
import { Quiescence, type FlowFinish } from './quiescence.js';
import type { FlowState, FlowStatus } from '../sdk/flow-status.js';
import { couplings } from './link-paths.js';
import { connectWires, type Wire } from './wire.js';
import type { ErrorDigest } from './error-digest.js';
import { watchUnlinkedPorts } from './unlinked-ports.js';

export interface FlowOptions {
  readonly log?: Logger;
  /** Time-based operators schedule through it (a TestScheduler in tests). */
  readonly scheduler?: SchedulerLike;
  /** How long a graceful stop waits for sinks to hand over what they hold. Default 5000 ms. */
  readonly drainTimeoutMs?: number;
  /** Called once connectors have started and before any produces: the moment to attach taps. */
  readonly beforeRun?: (flow: Flow) => void;
  /**
   * Whether a source that finishes ends what is downstream of it: pipelines flush, sinks hear
   * `inputEnded` (a client closes its connection). Default true; `tremolo run --watch` turns it
   * off, so that what is kept across a reload still takes events.
   */
  readonly endDownstream?: boolean;
}

export type { FlowFinish };


let nextConnectorId = 1;

/** What makes two connector definitions the same (a config holds plain data only). */
const specKey = (c: ConnectorSpec): string =>
  JSON.stringify([
    c.def.kind,
    c.config,
    c.codec?.def.name,
    c.codec?.config,
    c.preprocessors.map((p) => [p.def.name, p.config]),
    c.postprocessors.map((p) => [p.def.name, p.config]),
    (c.extensions ?? []).map((e) => [e.def.name, e.config]),
    c.reconnect,
    c.queue,
  ]);

/**
 * A deployed flow: connector hosts and pipelines wired port to port with RxJS Subjects. Deploying
 * starts every connector (servers bind) before any of them produces, then lets them run.
 */
export class Flow {
  readonly id: string;
  readonly connectors = new Map<string, ConnectorHost>();
  readonly pipelines = new Map<string, Pipeline>();
  readonly flowControl: FlowControl;
  readonly log: Logger;
  /** Resolves with the code an `exit` connector asked for, once its delay has passed. */
  readonly exited: Promise<number>;
  /** Resolves once every source has finished (quiescence.ts), unless an exit is under way. */
  readonly finished: Promise<FlowFinish>;
  #state: FlowState = 'deploying';
  #resolveExit!: (code: number) => void;
  #resolveFinished!: (finish: FlowFinish) => void;
  /** An exit connector asked for this code; the flow exits with it once the delay has passed. */
  #exitCode: number | undefined;
  #exitTimer: NodeJS.Timeout | undefined;
  readonly #quiescence: Quiescence;
  #stopping: Promise<void> | undefined;
  readonly #byId = new Map<number, ConnectorHost>();
  readonly #linked = new Set<string>();
  readonly #subscriptions: Subscription[] = [];
  #pipelineCounts: Map<string, number> | undefined;
  /** Set by whoever watches latencies (metrics): called for every event a sink is given. */
  observe: ((host: ConnectorHost, event: TremoloEvent) => void) | undefined;
  readonly #drainTimeoutMs: number;
  #coupled = new Set<string>();
  readonly #streamEnds = new Subject<Origin>();
  readonly #streamStarts = new Subject<StreamStart>();

  #model: FlowModel;
  readonly #env: HostEnvironment;
  readonly #scheduler: SchedulerLike;
  /** Subscriptions of the links between instances (replaced when the flow is reconfigured). */
  #wires: Subscription[] = [];
  /** The logs of the pipelines' unlinked `err` ports. */
  #digests: ErrorDigest[] = [];
  #wireControl = { completing: true };

  private constructor(model: FlowModel, options: FlowOptions) {
    this.#model = model;
    this.id = model.id;
    this.log = (options.log ?? createLogger()).child(model.id);
    this.#drainTimeoutMs = options.drainTimeoutMs ?? 5000;
    this.exited = new Promise((resolve) => (this.#resolveExit = resolve));
    this.finished = new Promise((resolve) => (this.#resolveFinished = resolve));
    this.flowControl = new FlowControl(
      (id) => this.#byId.get(id),
      (source, sink) => this.#coupled.has(`${source}:${sink}`),
    );
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the getters need the flow
    const flow = this;
    this.#quiescence = new Quiescence({
      log: this.log,
      connectors: this.connectors,
      get links() {
        return flow.model.links;
      },
      pipelineOutputs: () => new Map([...this.pipelines].map(([alias, p]) => [alias, p.outputs.keys()])),
      linked: (alias, port) => this.#linked.has(`${alias}/${port}`),
      live: () => this.#state === 'running' || this.#state === 'paused',
      exitPending: () => this.#exitCode !== undefined,
      endDownstream: options.endDownstream ?? true,
      finished: (finish) => this.#resolveFinished(finish),
    });
    const env: HostEnvironment = {
      log: this.log,
      flowControl: this.flowControl,
      linked: (alias: string, port: string) => this.#linked.has(`${alias}/${port}`),
      exit: (code: number, delayMs = 0) => {
        if (this.#exitCode !== undefined) return;
        this.#exitCode = code;
        const exit = (): void => {
          this.log.info(`exit requested with code ${code}`);
          this.#resolveExit(code);
        };
        // Beyond Node's longest timer (about 24.8 days) it would fire at once.
        this.#exitTimer = setTimeout(exit, Math.min(Math.max(0, delayMs), 2 ** 31 - 1));
      },
      finished: (host, failure, gaveUp) => this.#quiescence.sourceFinished(host, failure, gaveUp),
      delivered: () => this.#quiescence.recheck(),
      listening: (alias: string, address: string) => this.log.child(alias).info(`listening on ${address}`),
      streamEnded: (origin: Origin) => {
        for (const host of this.connectors.values()) host.instance.originEnded?.(origin);
        this.#streamEnds.next(origin);
      },
      streamStarted: (start: StreamStart) => this.#streamStarts.next(start),
      closeOrigin: (origin: Origin, why: string, cause?: CloseCause) => this.#closeOrigin(origin, why, cause),
      get codecs() {
        return flow.model.registries.codecs;
      },
      flowStatus: () => this.status(),
      // A getter: with metrics off a sink reads one undefined property per event, nothing more.
      get observe() {
        return flow.observe;
      },
    };
    this.#env = env;
    this.#scheduler = options.scheduler ?? asyncScheduler;
    for (const spec of model.connectors) this.#addHost(spec);
    this.#build();
  }

  get model(): FlowModel {
    return this.#model;
  }

  #closeOrigin(origin: Origin, why: string, cause?: CloseCause): void {
    this.#byId.get(origin.connector)?.instance.closeStream?.(origin.stream, why, cause);
  }

  #addHost(spec: ConnectorSpec): ConnectorHost {
    const host = new ConnectorHost(nextConnectorId++, spec, this.#env);
    this.connectors.set(spec.alias, host);
    this.#byId.set(host.id, host);
    return host;
  }

  /** Pipelines and links from the model, around the connector hosts that exist. */
  #build(): void {
    const model = this.#model;
    this.#linked.clear();
    for (const link of model.links) {
      this.#linked.add(`${link.from.node}/${link.from.port}`);
      this.#linked.add(`${link.to.node}/${link.to.port}`);
    }
    for (const spec of model.pipelines) {
      const ready = (port: string): boolean => this.#outputReady(spec.alias, port);
      const close = (origin: Origin, why: string): void => this.#closeOrigin(origin, why);
      this.pipelines.set(spec.alias, new Pipeline(spec, this.log, this.#scheduler, ready, this.#streamEnds, this.#streamStarts, close));
    }
    this.#coupled = couplings(this.connectors, this.pipelines, model.links);
    const wires: Wire<TremoloEvent>[] = model.links.map((link) => ({
      from: this.#port(link.from.node, link.from.port, 'out'),
      to: this.#port(link.to.node, link.to.port, 'in'),
    }));
    this.#wireControl = { completing: true };
    this.#quiescence.watchInputs();
    this.#wires = connectWires(wires, this.#wireControl, (to) => this.#quiescence.inputCompleted(to));
    const unlinked = watchUnlinkedPorts(this.pipelines, (alias, port) => this.#linked.has(`${alias}/${port}`), this.log);
    this.#wires.push(...unlinked.subscriptions);
    this.#digests.push(...unlinked.digests);
  }

  /**
   * Swaps in a new version of the flow (tremolo run --watch): connectors whose definition did not
   * change keep running, with their connections and listening sockets; the others are stopped
   * (drained) and replaced; pipelines are rebuilt after the old ones hand over what they hold
   * (window and batch state starts afresh); links are rewired.
   */
  async reconfigure(model: FlowModel): Promise<{ kept: string[]; replaced: string[] }> {
    const same = (a: ConnectorSpec, b: ConnectorSpec): boolean => specKey(a) === specKey(b);
    const kept: string[] = [];
    const gone: ConnectorHost[] = [];
    for (const [alias, host] of this.connectors) {
      const next = model.connectors.find((c) => c.alias === alias);
      if (next !== undefined && same(host.spec, next)) kept.push(alias);
      else gone.push(host);
    }
    // The old pipelines hand over what they hold, but their end must not end the connectors kept.
    this.#wireControl.completing = false;
    for (const pipeline of this.pipelines.values()) pipeline.complete();
    for (const s of this.#wires) s.unsubscribe();
    for (const digest of this.#digests.splice(0)) digest.flush();
    for (const pipeline of this.pipelines.values()) pipeline.dispose();
    this.pipelines.clear();
    await Promise.allSettled(gone.map(async (h) => {
      await h.quiesce();
      await h.flush();
      await h.stop();
      this.connectors.delete(h.alias);
      this.#byId.delete(h.id);
    }));
    this.#model = model;
    const added = model.connectors.filter((c) => !kept.includes(c.alias)).map((spec) => this.#addHost(spec));
    this.#build();
    // The new pipelines are counted as the old ones were (the graph page and metrics read them).
    if (this.#pipelineCounts !== undefined) {
      this.#pipelineCounts = undefined;
      this.countPipelines();
    }
    await Promise.all(added.map((h) => h.start()));
    for (const h of added) h.run();
    const replaced = added.map((h) => h.alias);
    this.log.info(`reconfigured: ${kept.length} connectors kept (${kept.join(', ') || 'none'}), ${replaced.length} started (${replaced.join(', ') || 'none'}), ${this.pipelines.size} pipelines rebuilt`);
    return { kept, replaced };
  }

  /** Creates the instances, wires them, starts every connector, then lets them run. */
  static async deploy(model: FlowModel, options: FlowOptions = {}): Promise<Flow> {
    const flow = new Flow(model, options);
    try {
      await Promise.all([...flow.connectors.values()].map((h) => h.start()));
    } catch (err) {
      flow.#state = 'failed';
      await flow.stop();
      throw err;
    }
    flow.#state = 'running';
    options.beforeRun?.(flow);
    for (const host of flow.connectors.values()) host.run();
    flow.log.info(`running (${flow.connectors.size} connectors, ${flow.pipelines.size} pipelines, ${model.links.length} links)`);
    return flow;
  }

  get state(): FlowState {
    return this.#state;
  }

  /** Also starts counting pipeline ports: whoever asks once for the status will ask again. */
  status(): FlowStatus {
    this.countPipelines();
    return {
      id: this.id,
      state: this.#state,
      connectors: [...this.connectors.values()].map((h) => ({
        ...h.status(),
        ...(this.#quiescence.has(h) ? { state: 'finished' } : {}),
        alias: h.alias,
        ...(h.spec.metricsIntervalS === undefined ? {} : { metrics_interval_s: h.spec.metricsIntervalS }),
      })),
      pipelines: [...this.pipelines.keys()].map((alias) => ({ alias, ports: this.#pipelinePorts(alias) })),
    };
  }

  /** Pauses every source of the flow (the status API's PATCH); sinks still take what is in flight. */
  pause(): void {
    if (this.#state !== 'running') return;
    for (const host of this.connectors.values()) host.pause();
    this.#state = 'paused';
  }

  resume(): void {
    if (this.#state !== 'paused') return;
    for (const host of this.connectors.values()) host.resume();
    this.#state = 'running';
  }

  /**
   * Counts events through every pipeline port from now on (metrics and status ask for it; a flow
   * that nobody watches pays nothing per event for it).
   */
  countPipelines(): void {
    if (this.#pipelineCounts !== undefined) return;
    const counts = new Map<string, number>();
    this.#pipelineCounts = counts;
    for (const [alias, p] of this.pipelines) {
      for (const [dir, ports] of [['in', p.inputs], ['out', p.outputs]] as const) {
        for (const [port, subject] of ports) {
          const key = `${alias}/${dir}/${port}`;
          counts.set(key, 0);
          this.#subscriptions.push(subject.subscribe(() => counts.set(key, counts.get(key)! + 1)));
        }
      }
    }
  }

  #pipelinePorts(alias: string): Record<string, Record<string, number>> {
    const out: Record<string, Record<string, number>> = { in: {}, out: {} };
    for (const [key, n] of this.#pipelineCounts ?? []) {
      const [a, dir, port] = key.split('/') as [string, 'in' | 'out', string];
      if (a === alias) out[dir]![port] = n;
    }
    return out;
  }

  /** The bound address of a server connector, e.g. `ws://127.0.0.1:41234`. */
  address(alias: string): string | undefined {
    return this.connector(alias).address;
  }

  connector(alias: string): ConnectorHost {
    const host = this.connectors.get(alias);
    if (host === undefined) {
      throw new RuntimeError('ERR_LINK_INVALID', `no connector ${JSON.stringify(alias)} in flow ${this.id}; connectors: ${[...this.connectors.keys()].join(', ')}`);
    }
    return host;
  }

  /** A port's events, to watch (a tap) or to push into; `direction` picks between a node's in and out side. */
  port(alias: string, port: string, direction: 'in' | 'out'): Subject<TremoloEvent> {
    return this.#port(alias, port, direction);
  }

  tap(alias: string, port: string, direction: 'in' | 'out' = port === 'in' ? 'in' : 'out'): Observable<TremoloEvent> {
    return this.#port(alias, port, direction).asObservable();
  }

  /**
   * Graceful stop: sources stop accepting and reading, completion flows through the pipelines
   * (batches and windows hand over what they hold), sinks get up to the drain timeout to write it
   * out, then everything closes.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    if (this.#state !== 'failed') this.#state = 'stopping';
    clearTimeout(this.#exitTimer);
    const hosts = [...this.connectors.values()];
    await Promise.allSettled(hosts.map((h) => h.quiesce()));
    for (const host of hosts) for (const subject of host.outputs.values()) subject.complete();
    for (const pipeline of this.pipelines.values()) pipeline.complete();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.#drainTimeoutMs)));
    const drained = await Promise.race([Promise.allSettled(hosts.map((h) => h.flush())), timeout]);
    clearTimeout(timer);
    if (drained === 'timeout') this.log.warn(`drain timed out after ${this.#drainTimeoutMs} ms; closing with data still buffered`);
    const results = await Promise.allSettled(hosts.map((h) => h.stop()));
    for (const r of results) if (r.status === 'rejected') this.log.warn(`stop: ${reason(r.reason)}`);
    for (const s of [...this.#subscriptions, ...this.#wires]) s.unsubscribe();
    for (const digest of this.#digests.splice(0)) digest.flush();
    for (const pipeline of this.pipelines.values()) pipeline.dispose();
    if (this.#state !== 'failed') this.#state = 'stopped';
    this.log.info('stopped');
  }

  /** A pipeline output is ready when every connector linked to it can take events now. */
  #outputReady(pipeline: string, port: string): boolean {
    for (const link of this.model.links) {
      if (link.from.node !== pipeline || link.from.port !== port) continue;
      const host = this.connectors.get(link.to.node);
      if (host !== undefined && !host.ready) return false;
    }
    return true;
  }

  #port(alias: string, port: string, direction: 'in' | 'out'): Port<TremoloEvent> {
    const node = this.connectors.get(alias) ?? this.pipelines.get(alias);
    if (node === undefined) {
      const known = [...this.connectors.keys(), ...this.pipelines.keys()];
      throw new RuntimeError('ERR_LINK_INVALID', `no connector or pipeline ${JSON.stringify(alias)} in flow ${this.id}; known: ${known.join(', ')}`);
    }
    const ports = direction === 'in' ? node.inputs : node.outputs;
    const subject = ports.get(port);
    if (subject === undefined) {
      throw new RuntimeError('ERR_PORT_INVALID', `${alias} has no ${direction === 'in' ? 'input' : 'output'} port ${JSON.stringify(port)}; ports: ${[...ports.keys()].join(', ')}`);
    }
    return subject;
  }
}
