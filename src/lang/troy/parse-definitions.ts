import type {
  ArgDecl,
  ModuleImport,
  Target,
  UseStmt,
  WithEntry,
} from './ast.js';
import type { Place } from './errors.js';
import { ExprParser } from './parse-script.js';

/** The pieces every definition shares: `use` imports, `from` targets, `args` and `with ... end` settings. */
export abstract class DefinitionParser extends ExprParser {
  use(): UseStmt {
    const at = this.here();
    this.expectWord('use');
    const imports: ModuleImport[] = [];
    this.imports([], imports, at);
    return { kind: 'use', imports, at };
  }

  /** `a::b [as c]` or Tremor's brace form `a::{b, c::d as e}`, nested to any depth. */
  imports(prefix: readonly string[], out: ModuleImport[], useAt?: Place): void {
    // A plain `use` is placed at its keyword; each module of a brace list at its name.
    const at = useAt ?? this.here();
    const path = [...prefix, this.ident(prefix.length === 0 ? 'a module name after "use"' : 'a module name').name];
    while (this.eatPunct('::')) {
      if (this.eatPunct('{')) {
        do this.imports(path, out);
        while (this.eatPunct(','));
        this.expectPunct('}', 'to close the list of modules');
        return;
      }
      path.push(this.ident('a module name or "{" after "::"').name);
    }
    const alias = this.eatWord('as') ? this.ident('a name after "as"').name : path[path.length - 1]!;
    out.push({ path, alias, at });
  }

  target(): Target {
    const at = this.here();
    const path = [this.ident('a definition name').name];
    while (this.eatPunct('::')) path.push(this.ident('a name after "::"').name);
    return { path, at };
  }

  /** `args a, b = 1` (the list ends where no comma follows). */
  args(): ArgDecl[] {
    const out: ArgDecl[] = [];
    if (!this.eatWord('args')) return out;
    do {
      if (['with', 'pipeline', 'flow', 'script', 'state', 'into', 'from'].some((w) => this.isWord(w))) break;
      const name = this.ident('an arg name');
      const value = this.eatPunct('=') ? this.complex() : undefined;
      out.push({ name: name.name, value, at: name.at });
    } while (this.eatPunct(','));
    return out;
  }

  /** `with a = 1, b = 2` (without its `end`). */
  withEntries(): WithEntry[] {
    const out: WithEntry[] = [];
    this.expectWord('with');
    do {
      if (this.isWord('end') || this.isWord('script')) break;
      const name = this.ident('a setting name');
      this.expectPunct('=', `after "${name.name}"`);
      out.push({ name: name.name, value: this.complex(), at: name.at });
    } while (this.eatPunct(','));
    return out;
  }

  /** An optional `with ... end`. */
  withEnd(): WithEntry[] {
    if (!this.isWord('with')) return [];
    const entries = this.withEntries();
    this.expectWord('end', 'to close "with"');
    return entries;
  }
}
