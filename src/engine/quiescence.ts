import type { Subject } from 'rxjs';
import type { LinkSpec } from './model.js';
import type { ConnectorHost } from './connector-host.js';
import type { TremoloEvent } from '../sdk/event.js';
import { reachedSinks } from './link-paths.js';
import type { Logger } from '../sdk/logger.js';
import type { Port } from './port.js';

/** How a flow finished on its own: every source done, none cut short unless `failure` says so. */
export interface FlowFinish {
  /** What cut a source short (`alias: reason`), a client that gave up first; none on a clean finish. */
  readonly failure?: string;
  /** A client gave up reconnecting (tremolo run exits 69 rather than 1). */
  readonly gaveUp: boolean;
  /** The sources, as they finished; one that counts as finished for what it feeds says so. */
  readonly sources: readonly string[];
}

/** What the decision needs of the flow, asked for when a source finishes. */
export interface QuiescenceHost {
  readonly log: Logger;
  readonly connectors: ReadonlyMap<string, ConnectorHost>;
  readonly links: readonly LinkSpec[];
  /** The output ports of each pipeline. */
  pipelineOutputs(): ReadonlyMap<string, Iterable<string>>;
  linked(alias: string, port: string): boolean;
  /** Running or paused: a stop completes every port on its way, and that is no finish. */
  live(): boolean;
  /** An exit connector asked for an exit, still to come: its code wins. */
  exitPending(): boolean;
  /** Whether a finished source ends what is downstream (FlowOptions.endDownstream). */
  readonly endDownstream: boolean;
  finished(finish: FlowFinish): void;
}

interface Finished {
  readonly failure: string | undefined;
  readonly gaveUp: boolean;
}

/**
 * Tremor's quiescence, for flows whose sources are finite. A flow has finished once every source
 * (a connector with a data port linked: `err` alone makes none) has finished: a file read to its
 * end, stdin at its end, a client that gave up or closed once its input ended. A source whose data
 * reaches only clients that have finished counts as finished too, as nothing it reads can go
 * anywhere (stdin typed into a client that gave up). Servers and timers never finish, so a flow
 * with one runs until it is stopped. `err` ports are left out of "reaches": an event that fails
 * is not one delivered.
 *
 * Nor has a flow finished while a client holds events for a connection still to come: they go
 * out first, or it gives up. On the way, what a finished source feeds ends in turn, through the
 * same completion a stop uses: its data ports complete (pipelines flush, as at a stop), and a
 * connector whose every linked input has completed hears `inputEnded`.
 */
export class Quiescence {
  readonly #finished = new Map<ConnectorHost, Finished>();
  /** Connectors whose every linked input has completed. */
  readonly #inputsEnded = new Set<ConnectorHost>();
  /** Each linked input port of a connector, to its connector; and how many of them are still open. */
  #inputs = new Map<Subject<TremoloEvent>, ConnectorHost>();
  #open = new Map<ConnectorHost, number>();
  #reported = false;

  constructor(private readonly flow: QuiescenceHost) {}

  has(host: ConnectorHost): boolean {
    return this.#finished.has(host);
  }

  /** Learns the connectors' linked inputs, as the flow's links are (re)made. */
  watchInputs(): void {
    this.#inputs = new Map();
    this.#open = new Map();
    for (const host of this.flow.connectors.values()) {
      const inputs = this.#linkedInputs(host);
      for (const port of inputs) this.#inputs.set(port, host);
      this.#open.set(host, inputs.length);
    }
  }

  /** A port completed through its links (connectWires): a connector may have heard its last input. */
  inputCompleted(port: Subject<TremoloEvent>): void {
    const host = this.#inputs.get(port);
    if (host === undefined) return;
    const left = this.#open.get(host)! - 1;
    this.#open.set(host, left);
    // A stop completes every port on its way; quiesce, flush and stop take it from there.
    if (left > 0 || !this.flow.live()) return;
    this.#inputsEnded.add(host);
    host.inputEnded();
    if (this.#finished.has(host)) host.outputs.get('err')?.complete();
  }

  /**
   * A source finished: its data ports complete now, its `err` once its input has ended too (a
   * sink may still fail events); then the flow may have finished.
   */
  sourceFinished(host: ConnectorHost, failure: string | undefined, gaveUp: boolean): void {
    if (!this.flow.live() || this.#finished.has(host)) return;
    this.#finished.set(host, { failure, gaveUp });
    // The reason is logged where it happens, and again by `tremolo run` if it ends the run.
    host.log.debug(failure === undefined ? 'finished' : `finished early: ${failure}`);
    if (this.flow.endDownstream) {
      // With no input linked, events may still be pushed into one (a test's); with none at all, none.
      const errDone = this.#inputsEnded.has(host) || host.inputs.size === 0;
      for (const [port, subject] of host.outputs) if (port !== 'err' || errDone) subject.complete();
    }
    this.recheck();
  }

  /** Whether the flow has finished now: after a source finished, or a client handed over what it held. */
  recheck(): void {
    // Completing ports may have finished other sources, and the flow, already.
    if (this.#reported || !this.flow.live() || this.flow.exitPending()) return;
    const finish = this.#check();
    if (finish === undefined) return;
    this.#reported = true;
    this.flow.log.info(`finished: every source has (${finish.sources.join(', ')})`);
    this.flow.finished(finish);
  }

  #check(): FlowFinish | undefined {
    const { connectors, links } = this.flow;
    const sources = [...connectors.values()].filter((h) => [...h.outputs.keys()].some((p) => p !== 'err' && this.flow.linked(h.alias, p)));
    if (sources.length === 0) return undefined;
    const outputs = this.flow.pipelineOutputs();
    const feeding: string[] = [];
    for (const host of sources) {
      if (this.#finished.has(host)) continue;
      const sinks = [...reachedSinks(connectors, outputs, links, host)];
      if (sinks.length === 0 || !sinks.every((s) => this.#isDeadClient(s))) return undefined;
      feeding.push(`${host.alias}, which feeds only ${sinks.map((s) => s.alias).join(', ')}`);
    }
    // A client still holding events for a connection to come is under way: they go out, or it gives up.
    for (const host of connectors.values()) if (host.queued > 0 && !this.#finished.has(host)) return undefined;
    const done = [...this.#finished.keys()].filter((h) => sources.includes(h)).map((h) => h.alias);
    // The reason given is that of a client that gave up, if one did, else the first failure.
    let failed: [ConnectorHost, Finished] | undefined;
    for (const entry of this.#finished) {
      if (entry[1].failure !== undefined && (failed === undefined || (entry[1].gaveUp && !failed[1].gaveUp))) failed = entry;
    }
    const finish = { gaveUp: failed?.[1].gaveUp ?? false, sources: [...done, ...feeding] };
    return failed === undefined ? finish : { ...finish, failure: `${failed[0].alias}: ${failed[1].failure}` };
  }

  /** A client that has finished (gave up, or closed once its input ended) delivers nothing more. */
  #isDeadClient(host: ConnectorHost): boolean {
    return this.#finished.has(host) && host.connectivity !== 'server';
  }

  #linkedInputs(host: ConnectorHost): Port<TremoloEvent>[] {
    return [...host.inputs].filter(([port]) => this.flow.linked(host.alias, port)).map(([, subject]) => subject);
  }
}
