import { builtinCodecs } from './codecs.js';
import { builtinConnectors } from './connectors.js';
import { builtinOperators } from './operators.js';
import { builtinProcessors } from './processors.js';
import { kindOf } from '../../sdk/brand.js';
import type { CodecDefinition } from '../../sdk/codec-api.js';
import type { ConnectorDefinition } from '../../sdk/connector-api.js';
import { RuntimeError } from '../../sdk/errors.js';
import type { OperatorDefinition } from '../../sdk/operator-api.js';
import type { ProcessorDefinition } from '../../sdk/processor-api.js';
import { Registry } from '../../sdk/registry.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- definitions of any config type live together */
export interface Registries {
  readonly connectors: Registry<ConnectorDefinition<any>>;
  readonly codecs: Registry<CodecDefinition<any>>;
  readonly processors: Registry<ProcessorDefinition<any>>;
  readonly operators: Registry<OperatorDefinition<any>>;
}

function createRoot(): Registries {
  const regs: Registries = {
    connectors: new Registry('connector type', (d) => d.kind),
    codecs: new Registry('codec', (d) => d.name),
    processors: new Registry('processor', (d) => d.name),
    operators: new Registry('operator', (d) => d.name),
  };
  for (const d of builtinConnectors) regs.connectors.register(d);
  for (const d of builtinCodecs) regs.codecs.register(d);
  for (const d of builtinProcessors) regs.processors.register(d);
  for (const d of builtinOperators) regs.operators.register(d);
  return regs;
}

let root: Registries | undefined;
/** The built-ins, registered through the same define helpers users call. */
export const builtins = (): Registries => (root ??= createRoot());

/** Registries that see the built-ins and whatever a flow's code modules add, for that flow only. */
export function childRegistries(parent: Registries = builtins()): Registries {
  return {
    connectors: parent.connectors.child(),
    codecs: parent.codecs.child(),
    processors: parent.processors.child(),
    operators: parent.operators.child(),
  };
}

/** Registers anything made by a define helper; returns false for values that are not definitions. */
export function registerDefinition(regs: Registries, value: unknown): boolean {
  switch (kindOf(value)) {
    case 'connector':
      regs.connectors.register(value as ConnectorDefinition<any>);
      return true;
    case 'codec':
      regs.codecs.register(value as CodecDefinition<any>);
      return true;
    case 'processor':
      regs.processors.register(value as ProcessorDefinition<any>);
      return true;
    case 'operator':
      regs.operators.register(value as OperatorDefinition<any>);
      return true;
    case undefined:
      return false;
    default:
      throw new RuntimeError('ERR_MODULE_INVALID', `unexpected definition kind ${String(kindOf(value))}`);
  }
}
