import { httpClient } from '../../src/kinds/http/http-client.js';
import { httpServer } from '../../src/kinds/http/http-server.js';
import { childRegistries, type Registries } from '../../src/app/builtins/registries.js';

/**
 * Registries that know `http_server` and `http_client`, for flows that name those kinds before
 * `src/app/builtins/connectors.ts` lists them. A code module in `use` would register them too, but would
 * clash ("already defined") once they are built in; this guard keeps working then, so the tests
 * need no change: pass `{ registries: httpRegistries() }` to `startFlow`.
 */
export function httpRegistries(): Registries {
  const regs = childRegistries();
  for (const def of [httpServer, httpClient]) if (!regs.connectors.has(def.kind)) regs.connectors.register(def);
  return regs;
}
