import { brand } from './brand.js';
import type { Observable, OperatorFunction, SchedulerLike } from 'rxjs';
import type { z } from 'zod';
import type { ErrorCode } from './errors.js';
import type { Meta, Origin, TremoloEvent } from './event.js';
import type { Logger } from './logger.js';

/** A stream of the flow that opened: a connection accepted or made, a file opened. */
export interface StreamStart {
  /** The stream, as it appears in its events' origins and later in `streamEnds`. */
  readonly origin: Origin;
  /** The alias of the connector that opened it. */
  readonly connector: string;
  /** Its metadata, as its events carry it (`meta.ws_client = { tls, peer }`...). */
  readonly meta: Meta;
}

/** A value that lives across events: an operator's `state`, or one shared by several (`share_state`). */
export interface StateCell {
  value: unknown;
}

export interface OperatorContext {
  /** `pipeline/node`, for messages. */
  readonly alias: string;
  readonly args: Readonly<Record<string, unknown>>;
  /**
   * What expressions read as `state` (null at first), for this pipeline instance's life: the
   * operator's own, or the one every operator naming the same `share_state` holds.
   */
  readonly state?: StateCell;
  readonly log: Logger;
  /** Time-based operators schedule through this, so tests can drive them with a TestScheduler. */
  readonly scheduler: SchedulerLike;
  /** Send an event out of one of this operator's side ports (anything but its main output). */
  emit(port: string, event: TremoloEvent): void;
  /** The event failed in this operator: it goes to the pipeline's `err` port with the reason. */
  error(event: TremoloEvent, code: ErrorCode, message: string): void;
  /**
   * Whether what lies behind one of this operator's output ports can take events now: false when
   * a sink it leads to is disconnected or over its high-water mark (roundrobin skips such ports).
   */
  ready(port: string): boolean;
  /** Every stream of the flow that ends (a connection closed): per-connection state can be dropped. */
  readonly streamEnds?: Observable<Origin>;
  /**
   * Every stream of the flow that opens, told synchronously as it opens: a client connector's new
   * connection is announced before the connector counts as connected, so what an operator emits
   * from here toward it (a login) waits in the connector's queue and goes out once connected.
   */
  readonly streamStarts?: Observable<StreamStart>;
  /**
   * Ask the connector that owns `origin` to close that stream (a protocol operator closes a
   * connection that broke the protocol). Ignored when the stream is already gone.
   */
  closeOrigin?(origin: Origin, reason: string): void;
}

export interface OperatorDefinition<C = unknown> {
  readonly name: string;
  readonly description: string;
  readonly config: z.ZodType<C>;
  /** Output ports; the first is the main output fed by the returned RxJS operator. Default `['out']`. */
  outputs?(config: C): readonly string[];
  /**
   * One RxJS operator per instance; errors flow as values through `ctx.error`, never as
   * Observable errors, so one bad event never ends the pipeline.
   */
  create(config: C, ctx: OperatorContext): OperatorFunction<TremoloEvent, TremoloEvent>;
  /**
   * True when this operator absorbs back-pressure itself (it discards or diverts events while its
   * outputs are not ready): a sink behind it then does not pause the sources in front of it.
   */
  decouples?(config: C): boolean;
}

export const defineOperator = <C>(def: OperatorDefinition<C>): OperatorDefinition<C> => brand(def, 'operator');
export const operatorOutputs = <C>(def: OperatorDefinition<C>, config: C): readonly string[] =>
  def.outputs?.(config) ?? ['out'];
