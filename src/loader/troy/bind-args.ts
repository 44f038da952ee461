import type { ArgDecl, WithEntry } from '../../lang/troy/ast.js';
import { TroyError, type Place } from '../../lang/troy/errors.js';
import { evaluate, type EvalScope, type Mark } from './evaluate.js';

/**
 * The args a definition sees when it is created: each declared arg takes the value the `with`
 * gives it, else its default. `with` values are computed in the scope of the statement that
 * creates (the flow's args), defaults in the scope the definition was written in.
 */
export function bindArgs(
  decls: readonly ArgDecl[],
  given: readonly WithEntry[],
  scopes: { readonly given: EvalScope; readonly defaults: EvalScope },
  owner: string,
  at: Place,
  mark?: Mark,
): Record<string, unknown> {
  const declared = new Map(decls.map((d) => [d.name, d]));
  const out: Record<string, unknown> = {};
  for (const entry of given) {
    if (!declared.has(entry.name)) {
      const known = decls.map((d) => d.name);
      throw new TroyError('ERR_ARG_UNKNOWN', entry.at, `unknown arg ${JSON.stringify(entry.name)} for ${owner}; known: ${known.join(', ') || '(none: it declares no args)'}`);
    }
    mark?.([entry.name], entry.at, 'key');
    out[entry.name] = evaluate(entry.value, scopes.given, mark, [entry.name]);
  }
  for (const decl of decls) {
    if (Object.hasOwn(out, decl.name)) continue;
    if (decl.value === undefined) {
      throw new TroyError('ERR_ARG_UNKNOWN', at, `${owner} needs the arg ${JSON.stringify(decl.name)}, which has no default: give it with \`with ${decl.name} = ... end\``);
    }
    out[decl.name] = evaluate(decl.value, scopes.defaults);
  }
  return out;
}
