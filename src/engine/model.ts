import type { CodecDefinition } from '../sdk/codec-api.js';
import type { ConnectorDefinition } from '../sdk/connector-api.js';
import type { OperatorDefinition } from '../sdk/operator-api.js';
import type { ProcessorDefinition } from '../sdk/processor-api.js';
import type { ServerExtensionDefinition } from '../sdk/server-extension.js';
import type { ReconnectConfig } from './reconnect.js';
import type { Registries } from '../sdk/registries.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- a model holds definitions of every config type */

/** A validated flow: every name resolved, every config checked. The runtime deploys this. */
export interface FlowModel {
  readonly id: string;
  /** The file it came from, as shown in messages (absent for flows built in memory without a name). */
  readonly file: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly connectors: readonly ConnectorSpec[];
  readonly pipelines: readonly PipelineSpec[];
  readonly links: readonly LinkSpec[];
  readonly registries: Registries;
  /** Every file the flow was loaded from: itself and the modules it uses. */
  readonly files: readonly string[];
}

export interface Configured<D> {
  readonly def: D;
  readonly config: unknown;
}

export interface ConnectorSpec {
  readonly alias: string;
  readonly def: ConnectorDefinition<any>;
  readonly config: unknown;
  readonly codec: Configured<CodecDefinition<any>> | undefined;
  readonly preprocessors: readonly Configured<ProcessorDefinition<any>>[];
  readonly postprocessors: readonly Configured<ProcessorDefinition<any>>[];
  /** Server extensions, for an extensible connector; absent or empty for most. */
  readonly extensions?: readonly Configured<ServerExtensionDefinition<any>>[];
  readonly reconnect: ReconnectConfig;
  readonly queue: { readonly max_events: number; readonly persist?: string | undefined };
  readonly metricsIntervalS: number | undefined;
  /** The codecs the connector's config maps mime types to (ConnectorDefinition.mimeMapping). */
  readonly mimeMapping?: Readonly<Record<string, Configured<CodecDefinition<any>>>>;
}

export interface OperatorNode {
  readonly name: string;
  readonly def: OperatorDefinition<any>;
  readonly config: unknown;
  /** Its output ports; the first is the main one. */
  readonly outputs: readonly string[];
  /** The name of the state it shares with the pipeline's other operators naming it. */
  readonly shareState?: string;
}

/** Inside a pipeline: one of the pipeline's own ports, or a port of one of its operators. */
export type PipelineEndpoint =
  | { readonly kind: 'port'; readonly port: string }
  | { readonly kind: 'op'; readonly node: string; readonly port: string };

export interface PipelineSpec {
  readonly alias: string;
  readonly args: Readonly<Record<string, unknown>>;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly nodes: readonly OperatorNode[];
  readonly links: readonly { readonly from: PipelineEndpoint; readonly to: PipelineEndpoint }[];
}

export interface Endpoint {
  readonly node: string;
  readonly port: string;
}

export interface LinkSpec {
  readonly from: Endpoint;
  readonly to: Endpoint;
}
