/*
 * What a connector may see of the flow it runs in (`ctx.flowStatus()`, the metrics connector): a
 * type of the SDK, so that a connector does not depend on the engine that fills it in.
 */
export type FlowState = 'deploying' | 'running' | 'paused' | 'stopping' | 'stopped' | 'failed';

/** What the status API and the metrics connector see of a flow. */
export interface FlowStatus {
  readonly id: string;
  readonly state: FlowState;
  readonly connectors: readonly (Record<string, unknown> & { alias: string; metrics_interval_s?: number })[];
  readonly pipelines: readonly { alias: string; ports: Record<string, Record<string, number>> }[];
}
