import { brand } from './brand.js';
import type { z } from 'zod';
import type { ErrorCode } from './errors.js';
import type { Codec, Frame } from './codec-api.js';
import type { Meta, Origin, Outcome, TremoloEvent } from './event.js';
import type { FlowStatus } from './flow-status.js';
import type { Logger } from './logger.js';
import type { ServerExtension } from './server-extension.js';

/** Whether a connector reads and writes through a codec, or produces structured events itself. */
export type CodecNeed = 'required' | 'structured' | { readonly optional: string };

export interface ConnectorPorts {
  /** Ports into the sink side; default `['in']`. */
  readonly in?: readonly string[];
  /** Ports out of the source side; default `['out', 'err']`. */
  readonly out?: readonly string[];
}

/**
 * One stream of a source: a connection, a file, stdin. Its preprocessor state lives with it, and the
 * origins and metadata are built once, not per event.
 *
 * Transactions (at-least-once delivery): a source that can redeliver what it sent (a `wal`, a file
 * that remembers its position) passes an `Outcome` with what it pushes. Every event made of that
 * push is then transactional: the outcome's `ack` is called once every sink the events reached has
 * handed them over (and when a pipeline dropped them, or nothing took them on), its `fail` as soon
 * as one sink failed one, or one was routed to a pipeline's `err` or to a port nothing is linked
 * to. Exactly one of the two, once, possibly before `push` returns. Without an outcome nothing is
 * tracked and nothing is allocated.
 */
export interface SourceStream {
  readonly id: number;
  readonly origins: readonly Origin[];
  readonly meta: Meta;
  /**
   * Bytes through the preprocessors and the codec, out of the `out` port. Returns the first error
   * this reported on `err` (a request/response connector answers it), or undefined.
   */
  push(data: Buffer, meta?: Meta, outcome?: Outcome): string | undefined;
  /** A structured value (no codec), out of `port` (default `out`); transactional with an `outcome`. */
  pushValue(value: unknown, meta?: Meta, port?: string, outcome?: Outcome): void;
  /** A data error of this stream, out of the `err` port. */
  error(code: ErrorCode, message: string, data?: Buffer): void;
  /** The stream ended: flush its preprocessors and forget its state. Idempotent. */
  end(): void;
}

/**
 * Why a stream is closed at another connector's request, beyond the reason's text: `true` or
 * `'failed'`, what it relied on failed (an upstream reset); `'upstream_closed'`, its upstream ended
 * the conversation; `'upstream_unreachable'`, no upstream could be reached. ws_server closes with
 * upstream_close_codes for the last two, 1014 (bad gateway) for a failure, else 1000.
 */
export type CloseCause = boolean | 'failed' | 'upstream_closed' | 'upstream_unreachable';

export interface ConnectorContext {
  readonly alias: string;
  readonly kind: string;
  /** This instance's number, as found in `Origin.connector`. */
  readonly id: number;
  readonly log: Logger;
  /** Aborted when the connector stops. */
  readonly signal: AbortSignal;
  /** True when the codec's output is binary (msgpack, binary): WebSocket sinks send binary frames. */
  readonly binaryOutput: boolean;
  /** The mime types of this connector's own codec (the Content-Type of what it writes). */
  readonly codecMimeTypes: readonly string[];
  /** `{ [kind]: inner }`: metadata namespaced by this connector's kind. */
  meta(inner: Record<string, unknown>): Meta;
  /**
   * A codec for a mime type (`application/json; charset=utf-8` → json), from the codecs this flow
   * knows, with its default config; undefined when none claims it. HTTP connectors pick by it.
   */
  codecForMime(mime: string): Codec | undefined;
  /** Whether anything is linked to one of this connector's ports (a source need not read otherwise). */
  linked(port: string): boolean;

  /**
   * Source side: open a stream whose events carry `meta`. Its events' origins are the stream itself,
   * unless `origins` is given: a per-stream client answering on behalf of another connector's
   * stream gives that stream's origins, so its replies route back to it.
   */
  openStream(meta: Meta, origins?: readonly Origin[]): SourceStream;

  /** Sink side: the event as frames for one target stream (codec, then that stream's postprocessors). */
  serialize(event: TremoloEvent, stream: number): Frame[] | undefined;
  /** Sink side: the target stream is gone; its postprocessors' remaining output, if any. */
  endSinkStream(stream: number): Frame[];
  /** Sink side: the event could not be delivered; it goes to `err` with the reason (and fails it, when transactional). */
  fail(event: TremoloEvent, code: ErrorCode, message: string): void;
  /**
   * Sink side, for a connector with `confirmsDelivery`: a transactional event given to `write` is
   * safely handed over (acked), or, with `failure`, was not (failed, so its source redelivers it;
   * nothing goes to `err`, use `fail` for that). Call it once per event; ignored for an event that
   * is not transactional, so a connector may call it for every event or check `event.settle`.
   */
  delivered(event: TremoloEvent, failure?: string): void;
  /**
   * Client side, from `write`: the connection is going away (the peer's close arrived, the socket's
   * close has not yet): the host keeps the event, after any it already holds, and gives it to the
   * next connection; call `connectionLost` first. Fails it (on `err`) when the host gave up or its
   * queue is full.
   */
  requeue(event: TremoloEvent, port?: string): void;
  /** Sink side: `target` is over its high-water mark; pause these origins until `release(target)`. */
  hold(target: string, origins: readonly Origin[]): void;
  release(target: string): void;

  /** Client side: an established connection was lost; the host reconnects per the policy. */
  connectionLost(reason: string): void;
  /** Report the bound address of a server (printed, and available to tests). */
  listening(address: string): void;
  /**
   * Stop the whole runtime with this exit code (the `exit` connector), after `delayMs` (default 0)
   * during which events in flight go on: the flow does not finish meanwhile, so the code is kept.
   */
  exit(code: number, delayMs?: number): void;
  /**
   * Source side: this connector will produce nothing more (a file read to its end, stdin at its
   * end, a client whose input ended and whose connection closed). Call it once its streams have
   * ended; `failure` says what cut it short (a read error). What is linked downstream ends in turn
   * (pipelines flush, sinks hear `inputEnded`), and once every source of the flow has finished the
   * flow has: `tremolo run` stops it and exits (0, or 1 with the failure). A connector that never
   * calls it (a server, a timer) keeps its flow running.
   */
  finished(failure?: string): void;
  /**
   * Ask the connector that owns `origin` to close that stream (a gateway whose upstream closed
   * closes the WebSocket connection it served). Ignored when the stream is already gone. `cause`
   * says why, for a protocol whose close says it (a WebSocket's close code; see CloseCause).
   */
  closeOrigin(origin: Origin, reason: string, cause?: CloseCause): void;
  /** The status of the flow this connector runs in: every connector's counts (the `metrics` connector reports them). */
  flowStatus(): FlowStatus;
  /**
   * The server extensions named on this connector (`extensions:`), in order; empty for most. Only a
   * connector whose definition is `extensible` is given any: it hands them its connections.
   */
  readonly extensions: readonly ServerExtension[];
}

/** Every hook is optional, as in Tremor's connector trait. */
export interface ConnectorInstance {
  /** Bind, open files, start timers. Throwing here fails the deployment with the reason. */
  start?(): void | Promise<void>;
  /**
   * Begin producing (read files, start timers, read stdin). Called once every connector of the
   * flow has started, so no event reaches a sink that is not ready.
   */
  run?(): void;
  /** Clients: establish the connection; reject to fail the attempt. Retried per `reconnect`. */
  connect?(attempt: number): Promise<void>;
  /**
   * Sink side: deliver one event arriving on `port`. A transactional event (`event.settle` set) is
   * acked by the host when `write` returns without having failed it ("accepted by the connector"),
   * unless the connector sets `confirmsDelivery` and reports each itself with `ctx.delivered`.
   */
  write?(event: TremoloEvent, port: string): void;
  /**
   * True when this connector calls `ctx.delivered` (or `ctx.fail`) for every transactional event
   * it is given, once the event is safely handed over (a socket took the bytes, a file write was
   * flushed, a log fsync'd it): acks then mean more than "accepted".
   */
  readonly confirmsDelivery?: boolean;
  /** Flow control: stop producing on one stream, or on all when `stream` is undefined. */
  pause?(stream?: number): void;
  resume?(stream?: number): void;
  /**
   * A stream of any connector of the flow ended (a connection closed, a file was read to its end):
   * drop what is kept for it (a per-stream upstream connection, postprocessor state).
   */
  originEnded?(origin: Origin): void;
  /** Close one of this connector's own streams, at another connector's request (`cause`: see CloseCause). */
  closeStream?(stream: number, reason: string, cause?: CloseCause): void;
  /**
   * Sink side: everything linked to this connector's input has ended (every source upstream has
   * finished and the pipelines between have flushed); for a client, once the events it held
   * while disconnected have gone out. A connector that answers what it is sent finishes what is
   * under way, then calls `ctx.finished()` (a WebSocket client closes its connection). Not called
   * when the flow stops: `quiesce`, `flush` and `stop` are.
   */
  inputEnded?(): void;
  /** What `tremolo` shows of this connector: `{ connections: 3 }`, `{ connected: true }`... */
  status?(): Readonly<Record<string, unknown>>;
  /** Graceful stop: resolve once written data has been handed over. The host bounds the wait. */
  flush?(): Promise<void>;
  /** Stop accepting and reading (sources quiesce). Called before `stop`. */
  quiesce?(): void | Promise<void>;
  /** Close everything. */
  stop?(): void | Promise<void>;
}

export interface ConnectorDefinition<C = unknown> {
  readonly kind: string;
  readonly description: string;
  readonly config: z.ZodType<C>;
  readonly codec: CodecNeed;
  readonly ports?: ConnectorPorts;
  /** Documentation of the metadata this connector emits and reads, for `tremolo doc` and the README. */
  readonly metadata?: string;
  /** True for a server that hands its connections to server extensions (`extensions:` on the connector). */
  readonly extensible?: boolean;
  /**
   * True when `write` takes a batch whole (an event with `batch`, from a `batch` operator: one HTTP
   * request for all of it); otherwise the host gives `write` each event of a batch in turn
   * (`batchParts`), as Tremor's sinks write a batch's events one by one.
   */
  readonly batches?: boolean;
  /**
   * Codecs by mime type that this connector's config names (Tremor's http `mime_mapping`: `{ "application/json":
   * { name: "json", config: { mode: "sorted" } }, "*\/*": "string" }`): the loader checks each as it checks
   * `codec`, and `ctx.codecForMime` answers with them first; `type/*` and `*\/*` stand for the types no
   * codec claims.
   */
  mimeMapping?(config: C): Readonly<Record<string, string | { readonly name: string; readonly config?: unknown }>> | undefined;
  create(config: C, ctx: ConnectorContext): ConnectorInstance;
}

/** Identity helper: gives a connector definition its type, as built-ins and users write them. */
export const defineConnector = <C>(def: ConnectorDefinition<C>): ConnectorDefinition<C> => brand(def, 'connector');

export const DEFAULT_IN_PORTS: readonly string[] = ['in'];
export const DEFAULT_OUT_PORTS: readonly string[] = ['out', 'err'];
export const inPorts = (def: ConnectorDefinition<any>): readonly string[] => def.ports?.in ?? DEFAULT_IN_PORTS;
export const outPorts = (def: ConnectorDefinition<any>): readonly string[] => def.ports?.out ?? DEFAULT_OUT_PORTS;
