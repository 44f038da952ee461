import type { Flow } from '../../engine/flow.js';

/**
 * `/v1/status`: "ok" only while every flow runs and none of its connectors is held back. A flow
 * lists the connectors that are not doing their work, with why: paused (by the API), connecting
 * (the first connection not made yet), reconnecting (lost, waiting to retry), gave up (retries
 * exhausted: its events go to err). A load balancer asking this learns the truth, not "ok" for a
 * process whose bus is down.
 */
export type ConnectorTrouble = 'paused' | 'connecting' | 'reconnecting' | 'gave up';

export interface FlowHealth {
  readonly id: string;
  readonly state: string;
  /** Only the connectors in trouble; absent when there are none. */
  readonly connectors?: readonly { readonly alias: string; readonly kind: string; readonly state: ConnectorTrouble; readonly reconnect_attempts?: number }[];
}

export interface Health {
  readonly status: 'ok' | 'degraded';
  readonly flows: readonly FlowHealth[];
}

const TROUBLE: Readonly<Record<string, ConnectorTrouble>> = { connecting: 'connecting', waiting: 'reconnecting', failed: 'gave up' };

export function health(flows: readonly Flow[]): Health {
  let ok = true;
  const out = flows.map((flow): FlowHealth => {
    if (flow.state !== 'running') ok = false;
    const troubled: NonNullable<FlowHealth['connectors']>[number][] = [];
    for (const host of flow.connectors.values()) {
      const state: ConnectorTrouble | undefined = host.paused ? 'paused' : TROUBLE[host.connectivity];
      if (state === undefined) continue;
      const attempts = host.attemptTimes.length;
      troubled.push({ alias: host.alias, kind: host.kind, state, ...(state === 'paused' || attempts === 0 ? {} : { reconnect_attempts: attempts }) });
    }
    if (troubled.length > 0) ok = false;
    return { id: flow.id, state: flow.state, ...(troubled.length === 0 ? {} : { connectors: troubled }) };
  });
  return { status: ok ? 'ok' : 'degraded', flows: out };
}
