import client from 'prom-client';
import { nowNs } from '../../sdk/event.js';
import type { Flow } from '../../engine/flow.js';
import { connectionsOf } from './connector-figures.js';

/**
 * The runtime's figures in Prometheus form. Counts are kept by the runtime anyway (plain numbers);
 * they are read when /metrics is scraped, not pushed per event. The one per-event cost, the
 * latency histogram, is only paid while metrics are on.
 */
export class Metrics {
  readonly registry = new client.Registry();
  readonly #latency: client.Histogram<'flow' | 'connector'>;

  constructor(flows: () => readonly Flow[]) {
    const each = function* () {
      for (const flow of flows()) for (const c of flow.status().connectors) yield { flow: flow.id, c };
    };
    const reg = [this.registry];
    new client.Counter({
      name: 'tremolo_connector_events_total',
      help: 'Events through a connector port (direction in: into its sink side; out: out of its source side, err included).',
      labelNames: ['flow', 'connector', 'port', 'direction'],
      registers: reg,
      collect() {
        this.reset();
        for (const { flow, c } of each()) {
          const ports = c.ports as Record<'in' | 'out', Record<string, number>>;
          for (const direction of ['in', 'out'] as const) {
            for (const [port, n] of Object.entries(ports[direction])) this.inc({ flow, connector: c.alias, port, direction }, n);
          }
        }
      },
    });
    new client.Gauge({
      name: 'tremolo_connections',
      help: 'Open connections of a server connector (1 or 0 for a client).',
      labelNames: ['flow', 'connector'],
      registers: reg,
      collect() {
        this.reset();
        for (const { flow, c } of each()) {
          const n = connectionsOf(c);
          if (n !== undefined) this.set({ flow, connector: c.alias }, n);
        }
      },
    });
    new client.Counter({
      name: 'tremolo_reconnect_attempts_total',
      help: 'Connection attempts of a client connector.',
      labelNames: ['flow', 'connector'],
      registers: reg,
      collect() {
        this.reset();
        for (const { flow, c } of each()) if (c.connectivity !== 'server') this.inc({ flow, connector: c.alias }, c.reconnect_attempts as number);
      },
    });
    new client.Gauge({
      name: 'tremolo_queue_depth',
      help: 'Events held while a client connector is disconnected.',
      labelNames: ['flow', 'connector'],
      registers: reg,
      collect() {
        this.reset();
        for (const { flow, c } of each()) this.set({ flow, connector: c.alias }, c.queued as number);
      },
    });
    new client.Counter({
      name: 'tremolo_pipeline_events_total',
      help: 'Events through a pipeline port.',
      labelNames: ['flow', 'pipeline', 'port', 'direction'],
      registers: reg,
      collect() {
        this.reset();
        for (const flow of flows()) {
          for (const p of flow.status().pipelines) {
            for (const direction of ['in', 'out'] as const) {
              for (const [port, n] of Object.entries(p.ports[direction] ?? {})) this.inc({ flow: flow.id, pipeline: p.alias, port, direction }, n);
            }
          }
        }
      },
    });
    new client.Counter({
      name: 'tremolo_errors_total',
      help: 'Events sent to an err port: data a connector could not decode or deliver, events an operator failed on.',
      labelNames: ['flow', 'instance', 'type'],
      registers: reg,
      collect() {
        this.reset();
        for (const flow of flows()) {
          const status = flow.status();
          for (const c of status.connectors) {
            const n = (c.ports as Record<'out', Record<string, number>>).out.err ?? 0;
            this.inc({ flow: flow.id, instance: c.alias, type: 'connector' }, n);
          }
          for (const p of status.pipelines) this.inc({ flow: flow.id, instance: p.alias, type: 'pipeline' }, p.ports.out?.err ?? 0);
        }
      },
    });
    this.#latency = new client.Histogram({
      name: 'tremolo_event_latency_seconds',
      help: 'Time from an event’s ingestion to a sink taking it.',
      labelNames: ['flow', 'connector'],
      buckets: [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers: reg,
    });
    for (const flow of flows()) this.watch(flow);
  }

  /** Starts counting a flow's pipeline ports and timing its sinks. */
  watch(flow: Flow): void {
    flow.countPipelines();
    const latency = this.#latency;
    flow.observe = (host, event) => latency.observe({ flow: flow.id, connector: host.alias }, Number(nowNs() - event.ingestNs) / 1e9);
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
