import { childRegistries as child, createRegistries, type Registries } from '../../sdk/registries.js';
import { builtinCodecs } from './codecs.js';
import { builtinConnectors } from './connectors.js';
import { builtinOperators } from './operators.js';
import { builtinProcessors } from './processors.js';

export { registerDefinition, type Registries } from '../../sdk/registries.js';

function createRoot(): Registries {
  const regs = createRegistries();
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
export const childRegistries = (parent: Registries = builtins()): Registries => child(parent);
