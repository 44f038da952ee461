import { z } from 'zod';
import { builtins, type Registries } from '../builtins/registries.js';
import { ConnectorEntryObject, FlowFileSchema, OperatorEntrySchema, PipelineEntryObject } from '../../loader/schema.js';

/**
 * The JSON Schema of flow files, derived from the same zod schemas that validate them (never
 * written by hand), with each connector kind's, codec's, processor's and operator's own config
 * stitched in so that editors complete and check them.
 */
export function flowJsonSchema(regs: Registries = builtins()): Record<string, unknown> {
  const named = <T extends z.ZodType>(name: z.ZodType, config: T) =>
    z.union([name, z.strictObject({ name, config: config.optional() })]);
  const codecs = regs.codecs.values();
  const codec = z.union(codecs.map((c) => named(z.literal(c.name), c.config ?? z.strictObject({}))) as unknown as [z.ZodType, ...z.ZodType[]]);
  const processors = (dir: 'pre' | 'post'): z.ZodType =>
    z.array(
      z.union(
        regs.processors
          .values()
          .filter((p) => p[dir] !== undefined)
          .map((p) => named(z.literal(p.name), p.config ?? z.strictObject({}))) as unknown as [z.ZodType, ...z.ZodType[]],
      ),
    );
  const pre = processors('pre');
  const post = processors('post');
  const kinds = regs.connectors.values().map((def) =>
    ConnectorEntryObject.extend({
      type: z.literal(def.kind).describe(def.description),
      config: (def.config as z.ZodType).optional(),
      codec: codec.optional(),
      preprocessors: pre.optional(),
      postprocessors: post.optional(),
    }),
  );
  const fromEntry = ConnectorEntryObject.omit({ type: true }).extend({ from: z.string() });
  const operator = z.union(
    regs.operators.values().map((op) =>
      OperatorEntrySchema.extend({ op: z.literal(op.name).describe(op.description), config: (op.config as z.ZodType).optional() }),
    ) as unknown as [z.ZodType, ...z.ZodType[]],
  );
  const pipeline =
    regs.operators.values().length === 0
      ? PipelineEntryObject
      : PipelineEntryObject.extend({ operators: z.union([z.array(operator), z.record(z.string(), operator)]).optional() });
  const editorSchema = FlowFileSchema.extend({
    connectors: z.record(z.string(), z.union([...kinds, fromEntry] as unknown as [z.ZodType, ...z.ZodType[]])).optional(),
    pipelines: z.record(z.string(), pipeline).optional(),
  });
  const schema = z.toJSONSchema(editorSchema, { io: 'input', unrepresentable: 'any', target: 'draft-7', reused: 'ref' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://tremolo.dev/schema/flow.schema.json',
    title: 'tremolo flow',
    description: 'A tremolo flow or module file (JSON5): connectors, pipelines and the links between their ports.',
  };
}
