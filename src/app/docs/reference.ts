import { z } from 'zod';
import { inPorts, outPorts, type ConnectorDefinition } from '../../sdk/connector-api.js';
import { ERROR_CODES } from '../../sdk/errors.js';
import type { OperatorDefinition } from '../../sdk/operator-api.js';
import { builtins, type Registries } from '../builtins/registries.js';
import { functionReference } from './reference-functions.js';

/**
 * The reference of every connector kind, codec, processor and operator as Markdown, read from the
 * same zod schemas that validate flows, so the documentation cannot drift from the code.
 */
type Json = Record<string, unknown>;

export interface Row {
  readonly option: string;
  readonly type: string;
  readonly required: boolean;
  readonly default: string;
  readonly description: string;
}

function typeOf(s: Json): string {
  if (Array.isArray(s.enum)) return (s.enum as unknown[]).map((v) => JSON.stringify(v)).join(' \\| ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  const options = (s.anyOf ?? s.oneOf) as Json[] | undefined;
  if (options) return [...new Set(options.map(typeOf))].join(' or ');
  if (s.type === 'array') return `array of ${typeOf((s.items ?? {}) as Json)}`;
  if (s.type === 'object') return 'record';
  if (Array.isArray(s.type)) return (s.type as string[]).join(' or ');
  return typeof s.type === 'string' ? s.type : 'any';
}

/** One row per option; records one level deep are flattened (`socket_options.TCP_NODELAY`). */
export function configRows(schema: z.ZodType | undefined): Row[] {
  if (schema === undefined) return [];
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  const rows: Row[] = [];
  const walk = (node: Json, prefix: string, depth: number): void => {
    const props = (node.properties ?? {}) as Record<string, Json>;
    const required = new Set((node.required ?? []) as string[]);
    for (const [name, prop] of Object.entries(props)) {
      const inner = (prop.anyOf as Json[] | undefined)?.find((o) => o.type === 'object') ?? prop;
      if (depth === 0 && inner.type === 'object' && inner.properties !== undefined && Object.keys(inner.properties as object).length > 0) {
        rows.push(row(`${prefix}${name}`, prop, required.has(name)));
        walk(inner, `${prefix}${name}.`, depth + 1);
      } else rows.push(row(`${prefix}${name}`, prop, required.has(name)));
    }
  };
  walk(json, '', 0);
  return rows;
}

function row(option: string, prop: Json, required: boolean): Row {
  const dflt = prop.default === undefined ? '' : JSON.stringify(prop.default);
  return { option, type: typeOf(prop), required: required && prop.default === undefined, default: dflt, description: String(prop.description ?? '') };
}

export const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function table(rows: readonly Row[]): string {
  if (rows.length === 0) return 'No options.\n';
  const lines = ['| option | type | required | default | description |', '|---|---|---|---|---|'];
  for (const r of rows) {
    lines.push(`| \`${r.option}\` | ${cell(r.type).replace(/\\\\\|/g, '\\|')} | ${r.required ? 'yes' : ''} | ${r.default === '' ? '' : `\`${cell(r.default)}\``} | ${cell(r.description)} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** A connector kind's description, codec, ports, metadata and config table, under no heading. */
export function connectorBody(def: ConnectorDefinition<any>): string {
  const codec = def.codec === 'required' ? 'required' : def.codec === 'structured' ? 'none (structured events)' : `optional, default \`${def.codec.optional}\``;
  const ports = `in: ${inPorts(def).map((p) => `\`${p}\``).join(', ') || '—'}; out: ${outPorts(def).map((p) => `\`${p}\``).join(', ') || '—'}`;
  const meta = def.metadata === undefined ? '' : `Metadata: ${def.metadata}\n\n`;
  return `${def.description}\n\nCodec: ${codec}. Ports: ${ports}.\n\n${meta}${table(configRows(def.config))}`;
}

export function connectorReference(regs: Registries = builtins()): string {
  return regs.connectors
    .values()
    .map((def) => `#### \`${def.kind}\`\n\n${connectorBody(def)}`)
    .join('\n');
}

/** A codec's or processor's options in one line: `name` (default `x`): description; ... */
export function inlineOptions(schema: z.ZodType | undefined): string {
  return configRows(schema)
    .map((r) => `\`${r.option}\`${r.default ? ` (default \`${cell(r.default)}\`)` : ''}: ${cell(r.description || r.type)}`)
    .join('; ');
}

export function codecReference(regs: Registries = builtins()): string {
  const lines = ['| codec | what it does | config |', '|---|---|---|'];
  for (const def of regs.codecs.values()) {
    const options = inlineOptions(def.config);
    lines.push(`| \`${def.name}\` | ${cell(def.description)} | ${options || '—'} |`);
  }
  return `${lines.join('\n')}\n`;
}

export function processorReference(regs: Registries = builtins()): string {
  const lines = ['| processor | pre | post | what it does | config |', '|---|---|---|---|---|'];
  for (const def of regs.processors.values()) {
    const options = inlineOptions(def.config);
    lines.push(`| \`${def.name}\` | ${def.pre ? 'yes' : ''} | ${def.post ? 'yes' : ''} | ${cell(def.description)} | ${options || '—'} |`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * An operator's output ports as its default config gives them; an operator whose ports come from
 * its config (route, roundrobin) says so instead of listing a guess.
 */
function operatorPorts(def: OperatorDefinition): string {
  const list = (ports: readonly string[]): string => ports.map((p) => `\`${p}\``).join(', ');
  if (def.outputs === undefined) return 'Output ports: `out`.';
  const defaults = def.config.safeParse({});
  let ports: unknown;
  try {
    // An operator with required options may still have fixed ports: ask with an empty config.
    ports = def.outputs(defaults.success ? defaults.data : ({} as never));
  } catch {
    ports = undefined;
  }
  return Array.isArray(ports) ? `Output ports: ${list(ports as string[])}.` : 'Output ports: named by its config.';
}

/** An operator's description, output ports and config table, under no heading. */
export function operatorBody(def: OperatorDefinition): string {
  return `${def.description}\n\n${operatorPorts(def)}\n\n${table(configRows(def.config))}`;
}

export function operatorReference(regs: Registries = builtins()): string {
  return regs.operators
    .values()
    .map((def) => `#### \`${def.name}\`\n\n${operatorBody(def)}`)
    .join('\n');
}

export function errorReference(): string {
  const lines = ['| code | meaning |', '|---|---|'];
  for (const [code, meaning] of Object.entries(ERROR_CODES)) lines.push(`| \`${code}\` | ${cell(meaning)} |`);
  return `${lines.join('\n')}\n`;
}

/** Every section, keyed by the marker that holds it in a Markdown file (`tremolo doc --update FILE`). */
export function referenceSections(regs: Registries = builtins()): Record<string, string> {
  return {
    connectors: connectorReference(regs),
    codecs: codecReference(regs),
    processors: processorReference(regs),
    operators: operatorReference(regs),
    functions: functionReference(),
    errors: errorReference(),
  };
}

/** Replaces the text between `<!-- reference:NAME -->` and `<!-- /reference:NAME -->` markers. */
export function fillReference(readme: string, sections: Record<string, string>): string {
  let out = readme;
  for (const [name, body] of Object.entries(sections)) {
    const pattern = new RegExp(`(<!-- reference:${name} -->\\n)[\\s\\S]*?(<!-- /reference:${name} -->)`);
    out = out.replace(pattern, (_m, open: string, close: string) => `${open}${body}${close}`);
  }
  return out;
}
