import { RuntimeError } from '../../sdk/errors.js';
import { builtins, type Registries } from '../builtins/registries.js';

/** What `tremolo new` makes. */
export const SCAFFOLDS = ['flow', 'connector', 'codec', 'processor', 'operator'] as const;
export type Scaffold = (typeof SCAFFOLDS)[number];

/**
 * The names one scaffold is made under. Files are kebab-case; connector kinds and operators are
 * snake_case (`ws_server`, `rate_limit`), codecs and processors kebab-case (`length-prefixed`), as
 * the built-ins and Tremor name them, so `my_counter` and `my-counter` are the same NAME.
 */
export interface Names {
  /** What a flow writes: the connector `type`, the codec or processor name, the operator `op`; for a flow, its id. */
  readonly registered: string;
  /** The base of the files: `connectors/<file>.ts`, `test/<file>.test.ts`. */
  readonly file: string;
}

const NAME = /^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*$/;

export function isScaffold(what: string): what is Scaffold {
  return (SCAFFOLDS as readonly string[]).includes(what);
}

export function namesOf(what: Scaffold, name: string, regs: Registries = builtins()): Names {
  if (!NAME.test(name)) {
    throw new RuntimeError(
      'ERR_USAGE',
      `invalid name ${JSON.stringify(name)}: expected lowercase letters and digits, starting with a letter, words joined by "_" or "-" (e.g. my_counter)`,
    );
  }
  const file = name.replace(/_/g, '-');
  const registered = what === 'connector' || what === 'operator' ? name.replace(/-/g, '_') : file;
  // A code module that defines a built-in name fails to load (ERR_KIND_DUPLICATE): refuse it now.
  const taken =
    what === 'connector' ? regs.connectors : what === 'codec' ? regs.codecs : what === 'processor' ? regs.processors : what === 'operator' ? regs.operators : undefined;
  if (taken?.has(registered)) {
    throw new RuntimeError('ERR_USAGE', `${taken.what} ${JSON.stringify(registered)} is built in; choose another name`);
  }
  return { registered, file };
}
