import type { ConnectorSpec } from './model.js';
import { PersistentQueue } from './persistent-queue.js';
import { MemoryQueue, type SendQueue } from './send-queue.js';
import type { Codec, Frame } from '../sdk/codec-api.js';
import { inPorts, outPorts, type ConnectorContext, type ConnectorInstance, type SourceStream } from '../sdk/connector-api.js';
import { Connectivity, type ConnectivityState } from './connectivity.js';
import type { ConnectorCounters, HostEnvironment } from './host-environment.js';
import { MimeCodecs } from './mime-codecs.js';
import { ErrorDigest } from './error-digest.js';
import { unlinkedPortFailure } from './unlinked-ports.js';
import { reason, RuntimeError, type ErrorCode } from '../sdk/errors.js';
import { batchParts, createEvent, Receipt, withReceipt, type Meta, type Origin, type TremoloEvent } from '../sdk/event.js';
import type { Pausable } from './flow-control.js';
import type { Logger } from '../sdk/logger.js';
import { Port } from './port.js';
import { PortCounts } from './port-counts.js';
import type { Processor } from '../sdk/processor-api.js';
import { Backoff } from './reconnect.js';
import { SinkSerializer } from './sink-serializer.js';
import { errorData } from '../sdk/error-data.js';
import { Stream, type StreamHost } from './source-stream.js';

/**
 * Runs one connector instance: builds its context, runs its source streams and sink serializer,
 * holds its events while a client is disconnected, and drives reconnects. The connector itself only
 * moves bytes; everything the issue calls "the host" is here, shared by built-ins and custom kinds.
 */
export class ConnectorHost implements StreamHost, Pausable {
  readonly alias: string;
  readonly kind: string;
  readonly codec: Codec | undefined;
  readonly outputs = new Map<string, Port<TremoloEvent>>();
  readonly inputs = new Map<string, Port<TremoloEvent>>();
  readonly counters: ConnectorCounters = { in: 0, out: 0, err: 0, queued: 0 };
  /** Events through each port, in and out, for the status API and metrics. */
  readonly #portCounts = new PortCounts();
  /** Paused by an operator (the API), not by flow control. */
  paused = false;
  readonly log: Logger;
  readonly instance: ConnectorInstance;
  readonly #ctx: ConnectorContext;
  readonly #serializer: SinkSerializer;
  readonly #abort = new AbortController();
  readonly #queue: SendQueue;
  readonly #connectivity: Connectivity | undefined;
  #nextStream = 0;
  readonly #mimeCodecs: MimeCodecs;
  /** Streams opened on behalf of other streams' origins, for flow control. */
  readonly #standingFor = new Map<number, readonly Origin[]>();
  #address: string | undefined;
  #stopped = false;
  readonly #confirms: boolean;
  /** The event the connector gave back (`ctx.requeue`) during its `write`: kept, so not acked. */
  #requeued: TremoloEvent | undefined;
  readonly #unlinkedErrors: ErrorDigest;
  /** `inputEnded` was called: 'told' once the connector heard of it. */
  #inputEnded: 'no' | 'waiting' | 'told' = 'no';
  #finished = false;

  constructor(
    readonly id: number,
    readonly spec: ConnectorSpec,
    private readonly env: HostEnvironment,
  ) {
    this.alias = spec.alias;
    this.kind = spec.def.kind;
    this.log = env.log.child(spec.alias);
    this.#unlinkedErrors = new ErrorDigest(this.log, spec.alias);
    this.#mimeCodecs = new MimeCodecs(env.codecs, spec.mimeMapping);
    this.codec = spec.codec?.def.create(spec.codec.config);
    for (const port of outPorts(spec.def)) this.outputs.set(port, new Port());
    for (const port of inPorts(spec.def)) this.inputs.set(port, new Port());
    this.#serializer = new SinkSerializer(this);
    this.#queue = spec.queue.persist === undefined ? new MemoryQueue(spec.queue.max_events) : new PersistentQueue(spec.queue.persist, spec.queue.max_events, this.log);
    this.#ctx = this.#createContext();
    this.instance = spec.def.create(spec.config, this.#ctx);
    this.#confirms = this.instance.confirmsDelivery === true;
    if (this.instance.connect !== undefined) {
      const connect = this.instance.connect.bind(this.instance);
      this.#connectivity = new Connectivity(this.log, new Backoff(spec.reconnect), {
        connect,
        connected: () => this.#connected(),
        gaveUp: (why) => this.#gaveUp(why),
      });
    }
  }

  get address(): string | undefined {
    return this.#address;
  }

  get connectivity(): ConnectivityState | 'server' {
    return this.#connectivity?.state ?? 'server';
  }

  get attemptTimes(): readonly number[] {
    return this.#connectivity?.attemptTimes ?? [];
  }

  get queued(): number {
    return this.#queue.length;
  }

  /** Whether this connector can take events now: connected (or a server) and no target over its mark. */
  get ready(): boolean {
    const c = this.connectivity;
    return (c === 'server' || c === 'connected') && !this.env.flowControl.isHolding(this.id);
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  async start(): Promise<void> {
    for (const [port, subject] of this.inputs) subject.subscribe((event) => this.write(event, port));
    try {
      const restored = this.#queue.open();
      if (restored > 0) this.log.info(`${restored} events kept in ${this.#queue.place} by the last run go first`);
      this.counters.queued = this.#queue.length;
      await this.instance.start?.();
    } catch (err) {
      throw new RuntimeError('ERR_BIND_FAILED', `${this.alias}: cannot start ${this.kind}: ${reason(err)}`, { alias: this.alias, cause: err });
    }
  }

  /** Begin producing: clients connect, sources read. */
  run(): void {
    this.instance.run?.();
    this.#connectivity?.begin();
  }

  async quiesce(): Promise<void> {
    await this.instance.quiesce?.();
  }

  async flush(): Promise<void> {
    await this.instance.flush?.();
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#connectivity?.stop();
    this.#abort.abort();
    try {
      await this.instance.stop?.();
    } catch (err) {
      this.log.warn(`error while stopping: ${reason(err)}`);
    }
    const { kept, lost } = this.#queue.close();
    if (kept > 0) this.log.info(`stopped before the connection came back: ${kept} events kept in ${this.#queue.place} for the next run`);
    for (const [event] of lost) this.#fail(event, 'ERR_STOPPED', `${this.alias}: stopped before the connection came back; event not sent`);
    for (const subject of this.outputs.values()) subject.complete();
    this.#unlinkedErrors.flush();
  }

  /**
   * Everything linked to this connector's input has ended. A client hears of it once connected
   * and the events held meanwhile have gone out (from `#connected`); one that gives up instead
   * has finished anyway.
   */
  inputEnded(): void {
    if (this.#inputEnded !== 'no' || this.#stopped) return;
    this.#inputEnded = 'waiting';
    const c = this.#connectivity;
    if (c === undefined || (c.connected && this.#queue.length === 0)) this.#tellInputEnded();
  }

  #tellInputEnded(): void {
    this.#inputEnded = 'told';
    try {
      this.instance.inputEnded?.();
    } catch (err) {
      this.log.warn(`inputEnded failed: ${reason(err)}`);
    }
  }

  /** `ctx.finished`, or a client that gave up: a client finished makes no more attempts. */
  #finish(failure: string | undefined, gaveUp: boolean): void {
    if (this.#finished) return;
    this.#finished = true;
    if (!gaveUp) this.#connectivity?.stop();
    this.env.finished?.(this, failure, gaveUp);
  }

  /** Stop producing altogether (the status API's PATCH), until `resume`. */
  pause(): void {
    this.paused = true;
    this.instance.pause?.();
    this.log.info('paused');
  }

  resume(): void {
    this.paused = false;
    this.instance.resume?.();
    this.log.info('resumed');
  }

  status(): Record<string, unknown> {
    const ports = this.#portCounts.snapshot();
    return {
      alias: this.alias,
      kind: this.kind,
      state: this.paused ? 'paused' : 'running',
      connectivity: this.connectivity,
      ...(this.#address === undefined ? {} : { address: this.#address }),
      ports,
      queued: this.#queue.length,
      reconnect_attempts: this.attemptTimes.length,
      ...(this.instance.status?.() ?? {}),
    };
  }

  pauseStream(stream: number): void {
    this.instance.pause?.(stream);
  }

  resumeStream(stream: number): void {
    this.instance.resume?.(stream);
  }

  // ---- sink side -------------------------------------------------------------------------------

  write(given: TremoloEvent, port: string): void {
    this.counters.in++;
    this.#portCounts.countIn(port);
    this.env.observe?.(this, given);
    const parts = given.batch === undefined || this.spec.def.batches === true ? undefined : batchParts(given);
    if (parts === undefined) this.#take(given, port);
    // Each event of a batch is held and settled on its own; the batch is settled once all are.
    else for (const part of parts) this.#take(part, port);
  }

  #take(given: TremoloEvent, port: string): void {
    let event = given;
    // This sink is one more party the event waits for, from now until it is written or failed.
    if (event.settle !== undefined) event = withReceipt(event, new Receipt(event.settle));
    const c = this.#connectivity;
    if (c !== undefined && !c.connected) {
      if (c.state === 'failed' || this.#stopped || this.#finished) {
        const why = this.#finished && c.state !== 'failed' ? 'its connection has finished' : 'gave up reconnecting';
        this.#fail(event, 'ERR_NOT_CONNECTED', `${this.alias}: not connected (${why}); event not sent`);
      } else this.#enqueue(event, port);
      this.counters.queued = this.#queue.length;
      return;
    }
    this.#deliver(event, port);
  }

  #deliver(event: TremoloEvent, port: string): void {
    try {
      this.instance.write?.(event, port);
    } catch (err) {
      this.#fail(event, 'ERR_WRITE_FAILED', `${this.alias}: write failed: ${reason(err)}`);
      return;
    }
    // A connector that does not confirm deliveries itself has its events acked once `write` accepted them.
    if (event.settle !== undefined && !this.#confirms && this.#requeued !== event) event.settle.ack();
    this.#requeued = undefined;
  }

  /** `ctx.requeue`: a client whose connection is going away keeps the event for the next one. */
  #requeue(event: TremoloEvent, port: string): void {
    this.#requeued = event;
    const c = this.#connectivity;
    if (c === undefined || c.state === 'failed' || this.#stopped || this.#finished) {
      this.#fail(event, 'ERR_NOT_CONNECTED', `${this.alias}: not connected; event not sent`);
    } else this.#enqueue(event, port);
    this.counters.queued = this.#queue.length;
  }

  #enqueue(event: TremoloEvent, port: string): void {
    const queued = this.#queue.push([event, port]);
    if (queued === false) this.#fail(event, 'ERR_QUEUE_FULL', `${this.alias}: disconnected and the send queue is full (queue.max_events = ${this.#queue.capacity}); event not sent`);
    else if (typeof queued === 'string') this.#fail(event, 'ERR_WRITE_FAILED', `${this.alias}: disconnected, and the event ${queued}; event not sent`);
  }

  /** `ctx.delivered`: the receipt settles once, so a report after the host's own ack changes nothing. */
  #delivered(event: TremoloEvent, failure: string | undefined): void {
    const settle = event.settle;
    if (settle === undefined) return;
    if (failure !== undefined) settle.fail(failure);
    else settle.ack();
  }

  #connected(): void {
    this.log.info('connected');
    // Events held while disconnected go first, in order; a drop part-way keeps the rest held, behind
    // any the connector gave back, so the order stays that of arrival.
    const held = this.#queue.drain();
    let i = 0;
    while (i < held.length && this.#connectivity!.connected) {
      const [event, port] = held[i++]!;
      this.#deliver(event, port);
    }
    for (; i < held.length; i++) this.#queue.push(held[i]!);
    this.counters.queued = this.#queue.length;
    if (this.#queue.length > 0 || !this.#connectivity!.connected) return;
    if (this.#inputEnded === 'waiting') this.#tellInputEnded();
    if (held.length > 0) this.env.delivered?.(this);
  }

  #gaveUp(why: string): void {
    const held = this.#queue.drain();
    for (const [event] of held) this.#fail(event, 'ERR_NOT_CONNECTED', `${this.alias}: not connected (gave up reconnecting); event not sent`);
    // Reported on err: not sent again by the next run.
    this.#queue.release(held);
    this.counters.queued = 0;
    this.#finish(why, true);
  }

  /** An event this sink could not deliver: on `err` with the reason and the event itself, so nothing is lost silently. */
  #fail(event: TremoloEvent, code: ErrorCode, message: string): void {
    event.settle?.fail(message);
    this.emit('err', createEvent({ ...errorData(code, message, this.alias), event: event.data }, event.meta, event.origins));
  }

  // ---- source side -----------------------------------------------------------------------------

  emit(port: string, event: TremoloEvent): void {
    const subject = this.outputs.get(port);
    if (port === 'err') {
      this.counters.err++;
      if (!this.env.linked(this.alias, 'err') && !subject?.observed) {
        // Nothing is lost silently: an unlinked err port still shows up in the log, a flood of
        // errors as one line per code every few seconds (ErrorDigest).
        this.#unlinkedErrors.reportData(event.data, 'ERR_WRITE_FAILED');
      }
    } else this.counters.out++;
    this.#portCounts.countOut(port);
    // A transactional event nothing will take on would be acked by its dispatch: it is lost, so fail it.
    if (event.settle !== undefined && !this.env.linked(this.alias, port)) {
      event.settle.fail(unlinkedPortFailure(this.alias, port));
      return;
    }
    subject?.next(event);
  }

  createPreprocessors(): Processor[] {
    return this.spec.preprocessors.map((p) => p.def.pre!(p.config));
  }

  createPostprocessors(): Processor[] {
    return this.spec.postprocessors.map((p) => p.def.post!(p.config));
  }

  streamEnded(stream: number): void {
    for (const origin of this.#standingFor.get(stream) ?? []) this.env.flowControl.removeStandIn(origin, this.id, stream);
    this.#standingFor.delete(stream);
    this.env.streamEnded({ connector: this.id, stream });
  }

  #openStream(meta: Meta, origins: readonly Origin[] | undefined): SourceStream {
    const stream = new Stream(this, this.#nextStream++, meta, origins);
    this.env.streamStarted?.({ origin: { connector: this.id, stream: stream.id }, connector: this.alias, meta });
    if (origins !== undefined) {
      this.#standingFor.set(stream.id, origins);
      for (const origin of origins) this.env.flowControl.addStandIn(origin, this.id, stream.id);
    }
    return stream;
  }

  fail(event: TremoloEvent, code: ErrorCode, message: string): void {
    this.#fail(event, code, message);
  }

  #createContext(): ConnectorContext {
    const kind = this.kind;
    return {
      alias: this.alias,
      kind,
      id: this.id,
      log: this.log,
      signal: this.#abort.signal,
      binaryOutput: this.spec.codec?.def.binary === true,
      codecMimeTypes: this.spec.codec?.def.mimeTypes ?? [],
      meta: (inner) => ({ [kind]: inner }),
      linked: (port) => this.env.linked(this.alias, port),
      codecForMime: (mime) => this.#mimeCodecs.get(mime),
      openStream: (meta: Meta, origins?: readonly Origin[]): SourceStream => this.#openStream(meta, origins),
      serialize: (event, stream): Frame[] | undefined => this.#serializer.serialize(event, stream),
      endSinkStream: (stream) => this.#serializer.end(stream),
      fail: (event, code, message) => this.#fail(event, code, message),
      delivered: (event, failure) => this.#delivered(event, failure),
      requeue: (event, port = 'in') => this.#requeue(event, port),
      hold: (target: string, origins: readonly Origin[]) => this.env.flowControl.hold(this.id, target, origins),
      release: (target: string) => this.env.flowControl.release(this.id, target),
      connectionLost: (why) => this.#connectivity?.lost(why),
      listening: (address) => {
        this.#address = address;
        this.env.listening(this.alias, address);
      },
      exit: (code, delayMs) => this.env.exit(code, delayMs),
      finished: (failure) => this.#finish(failure, false),
      closeOrigin: (origin, why, cause) => this.env.closeOrigin(origin, why, cause),
      flowStatus: () => this.env.flowStatus(),
      extensions: (this.spec.extensions ?? []).map((e) => e.def.create(e.config, { alias: this.alias, kind, id: this.id, log: this.log })),
    };
  }
}
