import type { ConnectorHost } from './connector-host.js';
import type { FlowControl } from './flow-control.js';
import type { FlowStatus } from '../sdk/flow-status.js';
import type { Origin, TremoloEvent } from '../sdk/event.js';
import type { CloseCause } from '../sdk/connector-api.js';
import type { Logger } from '../sdk/logger.js';
import type { StreamStart } from '../sdk/operator-api.js';
import type { Registries } from '../sdk/registries.js';

/** What a connector host needs of the flow it runs in (flow.ts gives it). */
export interface HostEnvironment {
  readonly log: Logger;
  readonly flowControl: FlowControl;
  /** Whether a port of this connector is linked in the flow. */
  linked(alias: string, port: string): boolean;
  exit(code: number, delayMs?: number): void;
  /** The connector's source side finished (`ctx.finished`), or the client gave up reconnecting. */
  finished?(host: ConnectorHost, failure: string | undefined, gaveUp: boolean): void;
  /** A client handed over the events it held while disconnected: a flow may have finished. */
  delivered?(host: ConnectorHost): void;
  listening(alias: string, address: string): void;
  /** A stream of this connector ended: every connector of the flow hears of it. */
  streamEnded(origin: Origin): void;
  /** A stream of this connector opened: operators hear of it (`ctx.streamStarts`). */
  streamStarted?(start: StreamStart): void;
  /** Route a close request to the connector that owns `origin`. */
  closeOrigin(origin: Origin, reason: string, cause?: CloseCause): void;
  /** The codecs of the flow, for `codecForMime`. */
  readonly codecs: Registries['codecs'];
  /** When metrics are on: called for every event a sink is given (latency from ingest). */
  observe?: ((host: ConnectorHost, event: TremoloEvent) => void) | undefined;
  /** The status of the whole flow (the `metrics` connector reports it). */
  flowStatus(): FlowStatus;
}

export interface ConnectorCounters {
  in: number;
  out: number;
  err: number;
  queued: number;
}
