import type { Case, Expr, ForExpr, MatchExpr, PatchOp, PathExpr, Segment } from '../../lang/troy/ast.js';
import { TroyError, unsupported, type Place } from '../../lang/troy/errors.js';
import { evaluate } from './evaluate.js';
import { failure, literal, member } from './expr-text.js';
import { isAggregateName, resolveFunction, translateCall } from './functions.js';
import { patternCondition } from './patterns.js';
import type { DefineConst, DefineFn } from '../../lang/troy/ast.js';
import { fixedKey, type FileModule, type Local, type TranslateEnv } from './translate-env.js';
import { keyMarker, operatorMarker, siteRoot } from './strict-sites.js';
import type { SiteRoot } from '../../lang/expr/strict.js';

/**
 * Tremor expressions to tremolo's expression language, as text. Every compound is written in
 * parentheses, so that differences in precedence (Tremor's `not` binds tighter than `==`) cannot
 * change the meaning. Args are constants by the time a pipeline runs, so they are written in as
 * literals. Anything without a counterpart is refused where it is written.
 */

const STRING_LITERAL = /^"(?:[^"\\]|\\.)*"$/;
const PLAIN_OPS = new Set(['==', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', '%']);

export class Translator {
  constructor(
    readonly env: TranslateEnv,
    /**
     * Shared with the translators derived from this one: `event` is set when a translation reads
     * the event; `names` counts the names comprehensions bound, so each gets its own.
     */
    private readonly reads: { event: boolean; names: number } = { event: false, names: 0 },
  ) {}

  with(change: Partial<TranslateEnv>): Translator {
    return new Translator({ ...this.env, ...change }, this.reads);
  }

  /** The text, and whether it reads the event or its metadata. */
  translate(e: Expr): { text: string; dynamic: boolean } {
    const before = this.reads.event;
    this.reads.event = false;
    const text = this.expr(e);
    const dynamic = this.reads.event;
    this.reads.event = before || dynamic;
    return { text, dynamic };
  }

  expr(e: Expr): string {
    switch (e.kind) {
      case 'literal':
        return e.value === null ? 'null' : String(e.value);
      case 'string':
        return this.string(e.parts);
      case 'array':
        return `[${e.items.map((i) => this.expr(i)).join(', ')}]`;
      case 'record':
        return `{${e.fields
          .map((f) => {
            if (f.key.parts.some((p) => typeof p !== 'string')) throw unsupported(f.at, '"#{...}" as a field name', 'field names are fixed text in tremolo\'s records');
            return `${JSON.stringify(f.key.parts.join(''))}: ${this.expr(f.value)}`;
          })
          .join(', ')}}`;
      case 'path':
        return this.path(e);
      case 'expr-path':
        return this.segments(`(${this.expr(e.base)})`, e.segments, 'local');
      case 'const': {
        const found = this.moduleMember(e.path.slice(0, -1), e.path[e.path.length - 1]!, 'define-const', e.at);
        if (found === undefined) throw unsupported(e.at, e.path.join('::'), 'a constant is `const NAME = value;` in a module file');
        return literal(evaluate(found.def.value, { args: {}, owner: `module ${e.path.slice(0, -1).join('::')}` }));
      }
      case 'call':
        return this.call(e.module, e.name, e.args, e.at);
      case 'unary':
        // Tremor's `!` is `not` on booleans (and bitwise on integers, which tremolo's `not` refuses at run time).
        if (e.op === '+') return this.expr(e.operand);
        return e.op === '-' ? `(-${this.expr(e.operand)})` : `(not ${this.expr(e.operand)})`;
      case 'binary':
        return this.binary(e.op, e.left, e.right, e.at);
      case 'present':
        return this.presence(e.path, e.absent);
      case 'match':
        return this.match(e);
      case 'for':
        return this.comprehension(e);
      case 'patch':
        return e.ops.reduce((target, op) => this.patchOp(target, op), this.expr(e.target));
    }
  }

  /**
   * One operation of a `patch` on the record `target` (text): insert (a key that is not there yet),
   * update (one that is), upsert, default (only where missing) and merge (JSON Merge Patch, as
   * Tremor's merge). What Tremor refuses at run time fails the event here too.
   */
  patchOp(target: string, op: PatchOp): string {
    const value = op.value === undefined ? 'null' : this.expr(op.value);
    if (op.key === undefined) {
      if (op.op === 'merge') return `merge_patch(${target}, ${value})`;
      throw unsupported(op.at, `${op.op} => ...`, 'name the key: default "key" => value');
    }
    if (op.key.parts.some((p) => typeof p !== 'string')) throw unsupported(op.key.at, '"#{...}" as a patch key', 'patch keys are fixed text in tremolo');
    const key = JSON.stringify(op.key.parts.join(''));
    const has = `(${key} in ${target})`;
    const set = `merge(${target}, {${key}: ${value}})`;
    switch (op.op) {
      case 'insert':
        return `(${has} ? ${failure(op.at, `The key that is supposed to be inserted already exists: ${op.key.parts.join('')}`)} : ${set})`;
      case 'update':
        return `(${has} ? ${set} : ${failure(op.at, `The key that is supposed to be updated does not exist: ${op.key.parts.join('')}`)})`;
      case 'upsert':
        return set;
      case 'default':
        return `(${has} ? ${target} : ${set})`;
      case 'merge':
        return `merge(${target}, {${key}: merge_patch(try(${member(target, op.key.parts.join(''))}, null), ${value})})`;
      default:
        throw unsupported(op.at, op.op, `${op.op} has no counterpart in tremolo's expressions yet; insert, update, upsert, default and merge do`);
    }
  }

  /**
   * `for x of case (k, v) when g => a case (k2, v2) => b end` is the comprehension
   * `[(g ? a : b) for k_1, v_1 in x if (g or true)]`: an item is kept when a case takes it, and the
   * first case that does gives its value. Each case's names become the comprehension's own two.
   */
  comprehension(f: ForExpr): string {
    const n = ++this.reads.names;
    const key = `k_${n}`;
    const value = `v_${n}`;
    const target = this.expr(f.target);
    let result = 'null';
    const guards: string[] = [];
    let always = false;
    const arms = f.cases.map((c) => {
      const locals = new Map(this.env.locals)
        .set(c.key, { text: key, dynamic: true, version: this.env.version })
        .set(c.value, { text: value, dynamic: true, version: this.env.version });
      const inner = this.with({ locals });
      return { guard: c.guard === undefined ? undefined : inner.expr(c.guard), value: inner.expr(c.body[c.body.length - 1]!) };
    });
    for (const arm of arms) {
      if (always) break;
      if (arm.guard === undefined) always = true;
      else guards.push(arm.guard);
    }
    for (const arm of [...arms].reverse()) result = arm.guard === undefined ? arm.value : `(${arm.guard} ? ${arm.value} : ${result})`;
    const filter = always ? '' : ` if (${guards.join(' or ')})`;
    return `[${result} for ${key}, ${value} in ${target}${filter}]`;
  }

  string(parts: readonly (string | Expr)[]): string {
    const pieces = parts
      .filter((p) => p !== '')
      .map((p) => {
        if (typeof p === 'string') return JSON.stringify(p);
        const text = this.expr(p);
        return STRING_LITERAL.test(text) ? text : `string(${text})`;
      });
    if (pieces.length === 0) return '""';
    return pieces.length === 1 ? pieces[0]! : `(${pieces.join(' + ')})`;
  }

  binary(op: string, left: Expr, right: Expr, at: Place): string {
    const l = this.expr(left);
    const r = this.expr(right);
    if (op === 'and' || op === 'or') return `(${l} ${op} ${r})`;
    // Tremor's xor is true when exactly one side is: the two booleans differ.
    if (op === 'xor') return `(${l} != ${r})`;
    // An operator that can fail on the types it is given is drawn where it is written when it does.
    if (PLAIN_OPS.has(op)) return `(${l} ${op === '==' || op === '!=' ? '' : operatorMarker(op, at, this.env.sources)}${op} ${r})`;
    throw unsupported(at, op, 'bitwise operators have no counterpart in tremolo\'s expressions');
  }

  call(module: readonly string[], name: string, args: readonly Expr[], at: Place): string {
    const canonical = resolveFunction(module, name);
    if (isAggregateName(canonical)) {
      if (this.env.window === undefined) {
        throw unsupported(at, `${canonical}(...)`, 'aggregate functions belong in a select over a window, e.g. `from in[my_window]`');
      }
      return this.env.window.aggregate(canonical, args, at);
    }
    const own = this.env.ownModule;
    if (module.length === 0 && own !== undefined) {
      const def = own.stmts.find((d): d is DefineFn => d.kind === 'define-fn' && d.name === name);
      if (def !== undefined) return this.inline(def, own, `${own.name}::${name}`, args, at);
    }
    const user = module.length > 0 ? this.moduleMember(module, name, 'define-fn', at) : undefined;
    if (user !== undefined) return this.inline(user.def, user.module, `${module.join('::')}::${name}`, args, at);
    return translateCall(canonical, args.map((a) => this.expr(a)), at);
  }

  /** `name` defined in the module file used as `module`; undefined when that is not a module file. */
  moduleMember<K extends 'define-fn' | 'define-const'>(
    module: readonly string[],
    name: string,
    kind: K,
    at: Place,
  ): { def: Extract<DefineFn | DefineConst, { kind: K }>; module: FileModule } | undefined {
    const moduleName = module.join('::');
    const found = this.env.modules?.get(moduleName) ?? [...(this.env.modules?.values() ?? [])].find((m) => m.name === moduleName);
    if (found?.kind !== 'file') return undefined;
    const def = found.stmts.find((s) => s.kind === kind && s.name === name);
    if (def === undefined) {
      const known = found.stmts.flatMap((s) => (s.kind === kind ? [s.name] : []));
      const what = kind === 'define-fn' ? 'function' : 'constant';
      throw new TroyError('ERR_KIND_UNKNOWN', at, `module ${moduleName} (${found.file}) has no ${what} ${JSON.stringify(name)}; ${what}s: ${known.join(', ') || 'none'}`);
    }
    return { def: def as never, module: found };
  }

  /**
   * A module function, inlined: its parameters are the arguments' texts, its lets are locals, and
   * the value of its last statement is the call's value. It sees the modules its own file uses.
   */
  inline(fn: DefineFn, module: FileModule, key: string, args: readonly Expr[], at: Place): string {
    if (args.length !== fn.params.length) {
      throw new TroyError('ERR_FLOW_INVALID', at, `${key} takes ${fn.params.length} argument${fn.params.length === 1 ? '' : 's'} (${fn.params.join(', ')}), got ${args.length}`);
    }
    if (this.env.inlining?.includes(key)) throw unsupported(at, key, 'a function that calls itself has no counterpart in tremolo; functions are inlined where they are called');
    const locals = new Map<string, Local>();
    fn.params.forEach((param, i) => {
      const { text, dynamic } = this.translate(args[i]!);
      locals.set(param, { text: `(${text})`, dynamic, version: this.env.version });
    });
    let inner = this.with({ locals, modules: module.uses, ownModule: module, inlining: [...(this.env.inlining ?? []), key], window: undefined });
    for (const [i, stmt] of fn.body.entries()) {
      const last = i === fn.body.length - 1;
      if (stmt.kind === 'let' && stmt.target.root === 'local' && stmt.target.segments.length === 0) {
        const { text, dynamic } = inner.translate(stmt.value);
        if (last) return `(${text})`;
        inner = inner.with({ locals: new Map(inner.env.locals).set(stmt.target.name!, { text: `(${text})`, dynamic, version: this.env.version }) });
        continue;
      }
      if (stmt.kind === 'let' || stmt.kind === 'emit' || stmt.kind === 'drop') {
        throw unsupported(stmt.at, stmt.kind, 'a function computes a value: its statements are lets of locals and expressions');
      }
      if (last) return `(${inner.expr(stmt)})`;
    }
    return 'null';
  }

  path(p: PathExpr): string {
    switch (p.root) {
      case 'event':
      case 'meta':
        if (this.env.aggregatesOnly) {
          throw unsupported(p.at, p.root === 'event' ? 'event' : '$', 'in a windowed select, read events inside aggregate functions, e.g. aggr::win::last(event.x)');
        }
        this.reads.event = true;
        return this.segments(p.root === 'event' ? 'event' : '$', p.segments, siteRoot(p.root));
      case 'args':
        return this.args(p);
      case 'local': {
        const local = this.env.locals.get(p.name!);
        const constant = local === undefined ? this.env.ownModule?.stmts.find((d): d is DefineConst => d.kind === 'define-const' && d.name === p.name) : undefined;
        if (constant !== undefined) return this.segments(literal(evaluate(constant.value, { args: {}, owner: `module ${this.env.ownModule!.name}` })), p.segments);
        if (local === undefined) {
          const known = [...this.env.locals.keys()];
          throw new TroyError('ERR_FLOW_INVALID', p.at, `\`${p.name}\` is not set: a local is set with \`let ${p.name} = ...\` before it is read${known.length > 0 ? `; locals: ${known.join(', ')}` : ''}`);
        }
        if (local.dynamic && local.version !== this.env.version) {
          throw unsupported(p.at, p.name!, 'reading a local after the event it was computed from changed; set it after the change');
        }
        if (local.dynamic) this.reads.event = true;
        return this.segments(local.text, p.segments, 'local');
      }
      case 'state':
        if (this.env.selectGroup !== undefined) return this.segments('null', p.segments);
        if (this.env.scriptState !== true) throw unsupported(p.at, 'state', '`state` is a script\'s: read it in a script');
        // It changes as the script runs, as the event does: a local computed from it is read only before it changes.
        this.reads.event = true;
        return this.segments('state', p.segments, 'state');
      case 'group': {
        const width = this.env.selectGroup;
        if (width === undefined) {
          if (this.env.window === undefined) throw unsupported(p.at, 'group', '`group` is the group of a windowed select with `group by`');
          return this.segments('group', p.segments);
        }
        const [first, ...rest] = p.segments;
        // group[i] of a value: the operator's group holds exactly those; only `group` whole needs the text.
        if (first?.kind === 'index' && first.index.kind === 'literal' && typeof first.index.value === 'number' && Number.isInteger(first.index.value) && first.index.value >= 0 && first.index.value < width) {
          return this.segments(`group[${first.index.value}]`, rest);
        }
        const values = width === 0 ? ['null'] : Array.from({ length: width }, (_, i) => `group[${i}]`);
        const text = width === 0 ? literal('[null]') : 'json::encode(group)';
        return this.segments(`[${[...values, text].join(', ')}]`, p.segments);
      }
      case 'window':
        if (this.env.window === undefined) throw unsupported(p.at, 'window', '`window` is the window of a windowed select');
        return this.segments(this.env.window.nameText ?? literal(this.env.window.name), p.segments);
    }
  }

  /** Args are constants: the longest fixed path is looked up now, the rest is written after the literal. */
  args(p: PathExpr): string {
    let fixed = 0;
    while (fixed < p.segments.length && p.segments[fixed]!.kind === 'field') fixed++;
    const head: PathExpr = { ...p, segments: p.segments.slice(0, fixed) };
    const value = evaluate(head, { args: this.env.args, owner: this.env.owner });
    return this.segments(literal(value), p.segments.slice(fixed));
  }

  /**
   * A path's segments after `base`. With `root`, each key is marked with where it is written: the
   * path is Tremor's, strict, and a key it does not find fails the event there (strict-sites.ts).
   */
  segments(base: string, segments: readonly Segment[], root?: SiteRoot): string {
    let out = base;
    for (const seg of segments) {
      if (seg.kind === 'range') throw unsupported(seg.at, '[start:end]', 'ranges have no counterpart in tremolo\'s expressions');
      const mark = root === undefined ? '' : keyMarker(root, seg, this.env.sources);
      if (seg.kind === 'field') {
        const text = member(out, seg.name);
        out = mark === '' ? text : text.startsWith(`${out}.`) ? `${out}.${mark}${seg.name}` : `${out}[${mark}${JSON.stringify(seg.name)}]`;
      } else out = `${out}[${mark}${this.expr(seg.index)}]`;
    }
    return out;
  }

  /** `present a.b.c`: the last key is in the record (or the index in the array) that holds it. */
  presence(p: PathExpr, absent: boolean): string {
    const last = p.segments[p.segments.length - 1];
    let test: string;
    if (last === undefined) {
      test = 'true';
      if (p.root === 'local' && !this.env.locals.has(p.name!)) test = 'false';
    } else {
      // Tremor's presence test reads the path without failing on it: its parent may be missing too.
      const parent = `try(${this.path({ ...p, segments: p.segments.slice(0, -1) })}, null)`;
      const key = fixedKey(last);
      if (key !== undefined) {
        test = `((type(${parent}) == "record") and (${JSON.stringify(key)} in ${parent}))`;
      } else if (last.kind === 'index' && last.index.kind === 'literal' && typeof last.index.value === 'number') {
        test = `((type(${parent}) == "array") and (${last.index.value} < length(${parent})))`;
      } else {
        throw unsupported(last.at, `${absent ? 'absent' : 'present'} with a computed index`, 'test a field name or a fixed index');
      }
    }
    return absent ? `(not ${test})` : test;
  }

  /** A match that computes a value: nested conditionals, the first case that holds wins. */
  match(m: MatchExpr): string {
    const target = this.expr(m.target);
    let otherwise = failure(m.at, 'no case of the match matched');
    for (const c of [...m.cases].reverse()) {
      const { condition, inner } = this.caseCondition(target, c);
      const last = c.body[c.body.length - 1]!;
      for (const stmt of c.body) {
        if ('kind' in stmt && (stmt.kind === 'let' || stmt.kind === 'emit' || stmt.kind === 'drop')) {
          throw unsupported(stmt.at, stmt.kind, 'a match that computes a value holds expressions only; write lets, emits and drops as script statements');
        }
      }
      const value = inner.expr(last as Expr);
      otherwise = condition === 'true' ? value : `(${condition} ? ${value} : ${otherwise})`;
    }
    return otherwise;
  }

  /** A case's condition on the target, and a translator that sees the case's bound names. */
  caseCondition(target: string, c: Case): { condition: string; inner: Translator } {
    if (c.pattern === undefined) return { condition: 'true', inner: this };
    const bound = new Map<string, string>();
    const condition = patternCondition(target, c.pattern, this, bound);
    const locals = new Map(this.env.locals);
    for (const [name, text] of bound) locals.set(name, { text, dynamic: true, version: this.env.version });
    const inner = bound.size > 0 ? this.with({ locals }) : this;
    if (c.guard === undefined) return { condition, inner };
    const guard = inner.expr(c.guard);
    return { condition: condition === 'true' ? guard : `(${condition} and ${guard})`, inner };
  }
}
