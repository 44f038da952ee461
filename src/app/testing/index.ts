import { setTimeout as sleep } from 'node:timers/promises';
import { loadFlow, loadFlowObject, type LoadOptions } from '../load.js';
import { RuntimeError } from '../../sdk/errors.js';
import { createEvent, type Meta, type TremoloEvent } from '../../sdk/event.js';
import { Flow, type FlowOptions } from '../../engine/flow.js';
import { createLogger, type Logger } from '../../sdk/logger.js';
import { PortRecorder } from './port-recorder.js';

export interface StartOptions extends Omit<LoadOptions, 'id'>, Omit<FlowOptions, 'beforeRun'> {
  /** Where an in-memory flow is placed (for relative `use` entries and messages). */
  readonly file?: string;
}

export interface WaitOptions {
  readonly timeout?: number;
}

const DEFAULT_TIMEOUT = 2000;

/**
 * A running flow under test: tap any port of any instance without editing the flow, push events
 * into any input, wait for what comes out, and stop it leaving no socket or timer behind.
 */
export class TestFlow {
  readonly #recorders = new Map<string, PortRecorder>();

  private constructor(readonly flow: Flow) {}

  static async start(source: string | object, options: StartOptions = {}): Promise<TestFlow> {
    const model =
      typeof source === 'string'
        ? await loadFlow(source, options)
        : await loadFlowObject(source, options);
    let test: TestFlow | undefined;
    await Flow.deploy(model, {
      ...options,
      log: options.log ?? quietLogger(),
      beforeRun: (flow) => {
        test = new TestFlow(flow);
        test.#recordAll();
      },
    });
    return test!;
  }

  /** The bound address of a server connector (port 0 resolved). */
  address(alias: string): string {
    const address = this.flow.address(alias);
    if (address === undefined) throw new RuntimeError('ERR_USAGE', `${alias} has no bound address (not a server?)`);
    return address;
  }

  /** Pushes `data` into an input port, as if a link had delivered it. */
  send(alias: string, port: string, data: unknown, meta: Meta = {}): TremoloEvent {
    const event = createEvent(data, meta, []);
    this.flow.port(alias, port, 'in').next(event);
    return event;
  }

  /** The next event through a port (`alias/port`, inputs and outputs alike; `in` is an input). */
  next(alias: string, port: string, options: WaitOptions = {}): Promise<TremoloEvent> {
    return this.#recorder(alias, port).next(options.timeout ?? DEFAULT_TIMEOUT);
  }

  /** The next `count` events through a port. */
  async collect(alias: string, port: string, count: number, options: WaitOptions = {}): Promise<TremoloEvent[]> {
    const deadline = performance.now() + (options.timeout ?? DEFAULT_TIMEOUT);
    const out: TremoloEvent[] = [];
    while (out.length < count) out.push(await this.#recorder(alias, port).next(Math.max(1, deadline - performance.now())));
    return out;
  }

  /** Fails if any event passes the port within `ms`. */
  async expectNone(alias: string, port: string, ms: number): Promise<void> {
    const recorder = this.#recorder(alias, port);
    await sleep(ms);
    if (recorder.pending > 0) {
      const event = await recorder.next(0);
      throw new RuntimeError('ERR_USAGE', `expected no event on ${alias}/${port}, received ${JSON.stringify(event.data)}`);
    }
  }

  /** Every event that passed a port so far, consumed or not. */
  seen(alias: string, port: string): readonly TremoloEvent[] {
    return this.#recorder(alias, port).seen;
  }

  /** Resolves once a client connector is connected. */
  async waitConnected(alias: string, options: WaitOptions = {}): Promise<void> {
    const host = this.flow.connector(alias);
    const deadline = performance.now() + (options.timeout ?? DEFAULT_TIMEOUT);
    while (host.connectivity !== 'connected') {
      if (performance.now() > deadline) {
        throw new RuntimeError('ERR_TIMEOUT', `${alias} not connected within ${options.timeout ?? DEFAULT_TIMEOUT} ms (state ${host.connectivity})`);
      }
      await sleep(5);
    }
  }

  async stop(): Promise<void> {
    await this.flow.stop();
    for (const r of this.#recorders.values()) r.close();
  }

  #recordAll(): void {
    const nodes = [...this.flow.connectors.values(), ...this.flow.pipelines.values()];
    for (const node of nodes) {
      for (const port of node.inputs.keys()) this.#recorder(node.alias, port, 'in');
      for (const port of node.outputs.keys()) this.#recorder(node.alias, port, 'out');
    }
  }

  #recorder(alias: string, port: string, direction?: 'in' | 'out'): PortRecorder {
    const dir = direction ?? this.#direction(alias, port);
    const key = `${alias}/${port}/${dir}`;
    let recorder = this.#recorders.get(key);
    if (recorder === undefined) {
      recorder = new PortRecorder(`${alias}/${port}`, this.flow.tap(alias, port, dir));
      this.#recorders.set(key, recorder);
    }
    return recorder;
  }

  #direction(alias: string, port: string): 'in' | 'out' {
    const node = this.flow.connectors.get(alias) ?? this.flow.pipelines.get(alias);
    if (node?.outputs.has(port) && !node.inputs.has(port)) return 'out';
    if (node?.inputs.has(port) && !node.outputs.has(port)) return 'in';
    return port === 'in' ? 'in' : 'out';
  }
}

export { runSuite, selectTests, type SuiteOptions, type TestCase, type TestResult } from './integration/index.js';

export const startFlow = (source: string | object, options?: StartOptions): Promise<TestFlow> => TestFlow.start(source, options);

/** Warnings and errors only, so test output stays readable. */
export const quietLogger = (): Logger => createLogger(process.env.TREMOLO_TEST_LOG === 'debug' ? 'debug' : 'error');
