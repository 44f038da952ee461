import { z } from 'zod';
import { NAME_PATTERN } from '../sdk/names.js';
import { ReconnectSchema } from '../engine/reconnect.js';

export { NAME_PATTERN };

/**
 * The shape of flow and module files, before any name is resolved. Connector `config`, codec and
 * processor configs are checked afterwards against the schema of the kind they name, so that each
 * message can name the kind; `json-schema.ts` stitches those in for editors.
 */
const Name = z.string().regex(NAME_PATTERN, { error: 'expected a name of letters, digits, "_" and "-"' });

export const NamedConfigSchema = z.union(
  [
    z.string(),
    z.strictObject({
      name: z.string().describe('the codec, processor or extension name'),
      config: z.unknown().optional().describe('its settings'),
    }),
  ],
  { error: 'expected a name or { name, config }' },
);
export type NamedConfig = z.output<typeof NamedConfigSchema>;

export const QueueSchema = z.strictObject({
  max_events: z
    .number()
    .int()
    .min(0)
    .default(1000)
    .describe('events held while a client is disconnected; more go to the err port'),
  persist: z
    .string()
    .min(1)
    .optional()
    .describe('a folder: events held while disconnected are written there (a write-ahead log) and survive a restart of tremolo'),
});

const ArgsSchema = z.record(z.string(), z.unknown()).describe('arguments with their default values');

export const ConnectorEntryObject = z.strictObject({
    description: z.string().optional(),
    type: z.string().optional().describe('the connector kind, e.g. ws_server'),
    from: z.string().optional().describe('a definition from a used module: "std::console"'),
    args: ArgsSchema.optional(),
    codec: NamedConfigSchema.optional(),
    preprocessors: z.array(NamedConfigSchema).optional(),
    postprocessors: z.array(NamedConfigSchema).optional(),
    extensions: z.array(NamedConfigSchema).optional().describe('server extensions (from a package) that take part in the connections of an extensible server'),
    config: z.record(z.string(), z.unknown()).optional(),
    // Checked in full once the entry is resolved, so a problem inside does not hide the others.
    reconnect: z.unknown().optional(),
    queue: z.unknown().optional(),
    metrics_interval_s: z.number().positive().optional(),
});
export const ConnectorEntrySchema = ConnectorEntryObject.refine((c) => (c.type === undefined) !== (c.from === undefined), {
  error: 'expected exactly one of "type" or "from"',
});
export type ConnectorEntry = z.output<typeof ConnectorEntrySchema>;

export const OperatorEntrySchema = z.strictObject({
  op: z.string().describe('the operator name, e.g. filter'),
  config: z.unknown().optional(),
  share_state: Name.optional().describe('operators of the pipeline naming the same share_state read and write one `state`; without it, an operator\'s `state` is its own'),
});
export type OperatorEntry = z.output<typeof OperatorEntrySchema>;

export const LinkSchema = z
  .tuple([z.string(), z.string()], { error: 'expected a link ["from[/port]", "to[/port]"]' })
  .describe('["from[/port]", "to[/port]"]');

export const PipelineEntryObject = z.strictObject({
    description: z.string().optional(),
    from: z.string().optional().describe('a definition from a used module: "std::passthrough"'),
    args: ArgsSchema.optional(),
    ports: z
      .strictObject({
        in: z.array(Name).optional().describe("input ports, default ['in']"),
        out: z.array(Name).optional().describe("output ports, default ['out', 'err'] and any named in links"),
      })
      .optional(),
    operators: z
      .union([z.array(OperatorEntrySchema), z.record(Name, OperatorEntrySchema)], {
        error: 'expected a list of operators (a chain) or a record of named operators (a graph with links)',
      })
      .optional(),
    links: z.array(LinkSchema).optional(),
});
export const PipelineEntrySchema = PipelineEntryObject
  .refine((p) => !(p.from !== undefined && (p.operators !== undefined || p.links !== undefined)), {
    error: 'a pipeline with "from" takes only "args"',
  })
  .refine((p) => !(Array.isArray(p.operators) && p.links !== undefined), {
    error: '"links" need named operators (a record), not a chain',
  });
export type PipelineEntry = z.output<typeof PipelineEntrySchema>;

export const UseSchema = z.union(
  [z.string(), z.strictObject({ module: z.string(), as: Name.optional() })],
  { error: 'expected a module name or path, or { module, as }' },
);

export const FlowFileSchema = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().optional(),
  use: z.array(UseSchema).optional().describe('modules: names on the search path, relative files, or packages'),
  args: ArgsSchema.optional(),
  connectors: z.record(Name, ConnectorEntrySchema).optional(),
  pipelines: z.record(Name, PipelineEntrySchema).optional(),
  links: z.array(LinkSchema).optional(),
});
export type FlowFile = z.output<typeof FlowFileSchema>;
