import { EMPTY, Subject, asyncScheduler, type Observable, type SchedulerLike } from 'rxjs';
import { createEvent, type Meta, type Origin, type TremoloEvent } from '../../../../src/sdk/event.js';
import { memoryLogger } from '../../../../src/sdk/logger.js';
import type { OperatorContext, OperatorDefinition } from '../../../../src/sdk/operator-api.js';
import { operatorOutputs } from '../../../../src/sdk/operator-api.js';

/** One operator instance, driven directly: push events in, read what came out of each port. */
export interface Harness {
  readonly input: Subject<TremoloEvent>;
  /** Events per output port, the main one included. */
  readonly ports: Record<string, TremoloEvent[]>;
  /** What `ctx.error` reported: `{ event, code, message }`. */
  readonly errors: { event: TremoloEvent; code: string; message: string }[];
  readonly completed: { value: boolean };
  /** What the operator logged, line by line as written. */
  readonly logs: string[];
  /** Pushes an event made of `data` (origins default to one stream of connector 1). */
  push(data: unknown, meta?: Meta, origins?: readonly Origin[]): TremoloEvent;
  /** The data of the events on a port. */
  data(port?: string): unknown[];
}

export function runOperator<C>(
  def: OperatorDefinition<C>,
  rawConfig: unknown,
  options: { scheduler?: SchedulerLike; args?: Record<string, unknown>; ready?: (port: string) => boolean; streamEnds?: Observable<Origin> } = {},
): Harness {
  const config = def.config.parse(rawConfig);
  const outputs = operatorOutputs(def, config);
  const ports: Record<string, TremoloEvent[]> = Object.fromEntries(outputs.map((p) => [p, []]));
  const errors: Harness['errors'] = [];
  const log = memoryLogger();
  const ctx: OperatorContext = {
    alias: `p/${def.name}`,
    args: options.args ?? {},
    log,
    scheduler: options.scheduler ?? asyncScheduler,
    emit(port, event) {
      if (ports[port] === undefined) throw new Error(`emitted on undeclared port ${port}`);
      ports[port]!.push(event);
    },
    error: (event, code, message) => errors.push({ event, code, message }),
    ready: options.ready ?? (() => true),
    streamEnds: options.streamEnds ?? EMPTY,
  };
  const input = new Subject<TremoloEvent>();
  const completed = { value: false };
  input.pipe(def.create(config, ctx)).subscribe({
    next: (e) => ports[outputs[0]!]!.push(e),
    complete: () => (completed.value = true),
  });
  return {
    input,
    ports,
    errors,
    completed,
    logs: log.lines,
    push(data, meta = {}, origins = [{ connector: 1, stream: 0 }]) {
      const event = createEvent(data, meta, origins);
      input.next(event);
      return event;
    },
    data: (port = outputs[0]!) => (ports[port] ?? []).map((e) => e.data),
  };
}
