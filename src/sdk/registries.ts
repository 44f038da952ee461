import { kindOf } from './brand.js';
import type { CodecDefinition } from './codec-api.js';
import type { ConnectorDefinition } from './connector-api.js';
import { RuntimeError } from './errors.js';
import type { OperatorDefinition } from './operator-api.js';
import type { ProcessorDefinition } from './processor-api.js';
import { Registry } from './registry.js';
import type { ServerExtensionDefinition } from './server-extension.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- definitions of any config type live together */
export interface Registries {
  readonly connectors: Registry<ConnectorDefinition<any>>;
  readonly codecs: Registry<CodecDefinition<any>>;
  readonly processors: Registry<ProcessorDefinition<any>>;
  readonly operators: Registry<OperatorDefinition<any>>;
  readonly extensions: Registry<ServerExtensionDefinition<any>>;
}

/** Empty root registries: the application fills them with its built-ins, a test with what it needs. */
export function createRegistries(): Registries {
  return {
    connectors: new Registry('connector type', (d) => d.kind),
    codecs: new Registry('codec', (d) => d.name),
    processors: new Registry('processor', (d) => d.name),
    operators: new Registry('operator', (d) => d.name),
    extensions: new Registry('server extension', (d) => d.name),
  };
}

/** Registries that see the parent's kinds and whatever a flow's code modules add, for that flow only. */
export function childRegistries(parent: Registries): Registries {
  return {
    connectors: parent.connectors.child(),
    codecs: parent.codecs.child(),
    processors: parent.processors.child(),
    operators: parent.operators.child(),
    extensions: parent.extensions.child(),
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
    case 'extension':
      regs.extensions.register(value as ServerExtensionDefinition<any>);
      return true;
    case undefined:
      return false;
    default:
      throw new RuntimeError('ERR_MODULE_INVALID', `unexpected definition kind ${String(kindOf(value))}`);
  }
}
