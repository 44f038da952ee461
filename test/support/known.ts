import { builtins } from '../../src/app/builtins/registries.js';

/** The "known:" lists of messages, as the registries hold them (they grow as kinds are added). */
export const knownCodecs = (): string => builtins().codecs.names().join(', ');
export const knownConnectors = (): string => builtins().connectors.names().join(', ');
export const knownPreprocessors = (): string =>
  builtins()
    .processors.values()
    .filter((p) => p.pre !== undefined)
    .map((p) => p.name)
    .join(', ');
