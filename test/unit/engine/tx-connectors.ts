/**
 * Connectors for the tests of transactions: `tx_source` pushes what a test gives it as
 * transactional events and records each outcome; `tx_sink` records what it is given and, with
 * `confirm: true`, settles each event only when the test says so. Tests reach the instances through
 * `probes`, keyed by alias.
 */
import { z } from 'zod';
import { defineConnector, type ConnectorContext, type SourceStream } from '../../../src/sdk/connector-api.js';
import type { TremoloEvent } from '../../../src/sdk/event.js';

export interface SourceProbe {
  /** Pushes `value` as a transactional event; its outcome lands in `outcomes` as "ack VALUE" or "fail VALUE: why". */
  send(value: unknown): void;
  /** Pushes `value` without an outcome. */
  sendPlain(value: unknown): void;
  readonly outcomes: string[];
  /** Per outcome, who settled the event: "sink" or "pipeline" (a drop, a dead end, an error). */
  readonly settledBy: string[];
}

export interface SinkProbe {
  readonly ctx: ConnectorContext;
  readonly given: TremoloEvent[];
}

// On globalThis: the flow loader imports this module anew, and the test must see its instances.
const shared = globalThis as { txProbes?: { sources: Map<string, SourceProbe>; sinks: Map<string, SinkProbe> } };
shared.txProbes ??= { sources: new Map(), sinks: new Map() };
export const sources = shared.txProbes.sources;
export const sinks = shared.txProbes.sinks;

export const txSource = defineConnector({
  kind: 'tx_source',
  description: 'test source of transactional events',
  config: z.strictObject({}),
  codec: 'structured',
  create(_config, ctx) {
    let stream: SourceStream | undefined;
    const outcomes: string[] = [];
    const settledBy: string[] = [];
    const by = (bySink: boolean): void => void settledBy.push(bySink ? 'sink' : 'pipeline');
    sources.set(ctx.alias, {
      outcomes,
      settledBy,
      send(value) {
        stream!.pushValue(value, undefined, 'out', {
          ack: (bySink) => {
            outcomes.push(`ack ${JSON.stringify(value)}`);
            by(bySink);
          },
          fail: (why, bySink) => {
            outcomes.push(`fail ${JSON.stringify(value)}: ${why}`);
            by(bySink);
          },
        });
      },
      sendPlain: (value) => stream!.pushValue(value),
    });
    return {
      run() {
        stream = ctx.openStream(ctx.meta({}));
      },
    };
  },
});

export const txSink = defineConnector({
  kind: 'tx_sink',
  description: 'test sink that settles when told',
  config: z.strictObject({ confirm: z.boolean().default(false) }),
  codec: 'structured',
  create(config, ctx) {
    const given: TremoloEvent[] = [];
    sinks.set(ctx.alias, { ctx, given });
    return {
      confirmsDelivery: config.confirm,
      write(event) {
        given.push(event);
      },
    };
  },
});
