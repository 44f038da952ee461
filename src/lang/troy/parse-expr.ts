import type { Expr, ForCase, PatchOp, PathExpr, PathRoot, ScriptStmt, Segment, StringExpr } from './ast.js';
import { Cursor, placeOf } from './cursor.js';
import { MAX_FLOW_DEPTH } from '../source/depth.js';
import { TroyError, type Place } from './errors.js';
import type { Token } from './lexer.js';

/**
 * Tremor's expressions, with its precedence (lowest first): `or`, `xor`, `and`, `^`, `&`, `==` `!=`,
 * `<` `<=` `>` `>=`, shifts, `+` `-`, `*` `/` `%`, unary `+` `-`, `not` `!`, `present` `absent`.
 * Unlike tremolo's language, `not` binds tighter than comparisons; the translation keeps each
 * operand in parentheses, so the meaning survives. Script statements (`let`, `emit`, `drop`) and
 * match patterns, which case bodies nest, are parse-script.ts's.
 */

/** Words that cannot name a local variable. */
const RESERVED = new Set(
  ('let const match of end case when for null true false and or xor not drop emit default patch insert upsert update erase ' +
    'move copy merge event state present absent fn intrinsic mod select from into create tumbling sliding window stream ' +
    'operator where with script having group by define args recur set each use as pipeline connector flow connect to deploy').split(' '),
);

const ROOTS: ReadonlyMap<string, PathRoot> = new Map([
  ['event', 'event'],
  ['state', 'state'],
  ['args', 'args'],
  ['group', 'group'],
  ['window', 'window'],
]);

const LEVELS: readonly (readonly string[])[] = [
  ['or'],
  ['xor'],
  ['and'],
  ['^'],
  ['&'],
  ['==', '!='],
  ['<', '<=', '>', '>='],
  ['<<', '>>', '>>>'],
  ['+', '-'],
  ['*', '/', '%'],
];
const WORD_OPERATORS = new Set(['or', 'xor', 'and']);
export const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=']);
/** What ends a case body or a script. */
export const BLOCK_END = ['case', 'default', 'end'];

export abstract class ExpressionParser extends Cursor {
  /** `match ... end` (parse-script.ts): an expression, whose case bodies are statements. */
  abstract match(mutable: boolean): Expr;
  abstract caseBody(mutable: boolean): ScriptStmt[];
  /** A parser of the same kind for the tokens of a string's `#{...}`. */
  abstract parserFor(tokens: readonly Token[]): ExpressionParser;

  #depth = 0;

  /**
   * Runs a parse that may recurse into itself, counting how deep: text nested past the limit is
   * refused where it goes too deep, before the recursion could overflow the stack.
   */
  nested<T>(parse: () => T): T {
    if (this.#depth >= MAX_FLOW_DEPTH) {
      throw new TroyError('ERR_FLOW_INVALID', this.here(), `expressions nested more than ${MAX_FLOW_DEPTH} levels deep; expected at most ${MAX_FLOW_DEPTH} levels (the limit for flow files)`);
    }
    this.#depth++;
    try {
      return parse();
    } finally {
      this.#depth--;
    }
  }

  /** An expression where a `match` is allowed: a value, a condition, an argument. */
  complex(mutable = false): Expr {
    return this.nested(() => this.#complex(mutable));
  }

  #complex(mutable: boolean): Expr {
    if (this.isWord('match')) return this.match(mutable);
    if (this.isWord('for')) return this.comprehension();
    return this.binary(0);
  }

  /** `patch TARGET of insert "k" => v; erase "j" ... end` (operations separated by `;` or not at all). */
  patch(): Expr {
    const at = this.here();
    this.expectWord('patch');
    const target = this.complex();
    this.expectWord('of', 'after the target of "patch"');
    const ops: PatchOp[] = [];
    const kinds = ['insert', 'upsert', 'update', 'erase', 'merge', 'default', 'copy', 'move'] as const;
    while (!this.isWord('end')) {
      const opAt = this.here();
      const op = kinds.find((k) => this.isWord(k));
      if (op === undefined) this.unexpected(`one of ${kinds.join(', ')} or "end" in the patch`);
      this.next();
      let key: PatchOp['key'];
      const k = this.peek();
      if (k.kind === 'string') {
        this.next();
        key = this.stringOf(k);
      } else if (op !== 'merge' && op !== 'default') this.unexpected(`the key in double quotes after "${op}"`);
      let value: Expr | undefined;
      if (op !== 'erase') {
        this.expectPunct('=>', `after "${op}${key === undefined ? '' : ' KEY'}"`);
        value = this.complex();
      }
      ops.push({ op, key, value, at: opAt });
      this.eatPunct(';');
    }
    this.expectWord('end', 'to close the patch');
    return { kind: 'patch', target, ops, at };
  }

  /** `merge TARGET of VALUE end`: the value merged into the target. */
  mergeExpr(): Expr {
    const at = this.here();
    this.expectWord('merge');
    const target = this.complex();
    this.expectWord('of', 'after the target of "merge"');
    const value = this.complex();
    this.expectWord('end', 'to close the merge');
    return { kind: 'patch', target, ops: [{ op: 'merge', key: undefined, value, at }], at };
  }

  /** `for TARGET of case (k, v) [when GUARD] => VALUE ... end`: one value per item that a case takes. */
  comprehension(): Expr {
    const at = this.here();
    this.expectWord('for');
    const target = this.complex();
    this.expectWord('of', 'after the target of "for"');
    const cases: ForCase[] = [];
    while (!this.isWord('end')) {
      const caseAt = this.here();
      this.expectWord('case', 'in the "for"');
      this.expectPunct('(', 'to start the (key, value) of the case');
      const key = this.ident('a name for the key or index').name;
      this.expectPunct(',', 'between the key and the value names');
      const value = this.ident('a name for the value').name;
      this.expectPunct(')', 'to close (key, value)');
      const guard = this.eatWord('when') ? this.complex() : undefined;
      this.expectPunct('=>', 'after the case');
      const statement = ['let', 'emit', 'drop'].find((w) => this.isWord(w));
      if (statement !== undefined) this.refuse(statement, 'the cases of a "for" compute values; lets, emits and drops belong in script statements');
      cases.push({ key, value, guard, body: this.caseBody(false) as Expr[], at: caseAt });
    }
    this.expectWord('end', 'to close the "for"');
    if (cases.length === 0) throw new TroyError('ERR_FLOW_PARSE', at, 'a "for" needs at least one case');
    return { kind: 'for', target, cases, at };
  }

  binary(level: number): Expr {
    const ops = LEVELS[level];
    if (ops === undefined) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const t = this.peek();
      const op = ops.find((o) => (WORD_OPERATORS.has(o) ? this.isWord(o) : this.isPunct(o)));
      if (op === undefined) return left;
      this.next();
      left = { kind: 'binary', op, left, right: this.binary(level + 1), at: placeOf(t) };
    }
  }

  unary(): Expr {
    const t = this.peek();
    if (this.eatPunct('-')) return { kind: 'unary', op: '-', operand: this.nested(() => this.unary()), at: placeOf(t) };
    if (this.eatPunct('+')) return { kind: 'unary', op: '+', operand: this.nested(() => this.unary()), at: placeOf(t) };
    return this.unarySimple();
  }

  unarySimple(): Expr {
    const t = this.peek();
    if (this.eatWord('not')) return { kind: 'unary', op: 'not', operand: this.nested(() => this.unarySimple()), at: placeOf(t) };
    if (this.eatPunct('!')) return { kind: 'unary', op: '!', operand: this.nested(() => this.unarySimple()), at: placeOf(t) };
    if (this.isWord('present') || this.isWord('absent')) {
      const absent = this.next().text === 'absent';
      const path = this.primary();
      if (path.kind !== 'path') throw new TroyError('ERR_FLOW_PARSE', path.at, `expected a path after "${absent ? 'absent' : 'present'}"`);
      return { kind: 'present', path, absent, at: placeOf(t) };
    }
    return this.primary();
  }

  primary(): Expr {
    const t = this.peek();
    const at = placeOf(t);
    if (t.kind === 'number') {
      this.next();
      return { kind: 'literal', value: t.value, at };
    }
    if (t.kind === 'string') {
      this.next();
      return this.segments(this.stringOf(t), at);
    }
    if (t.kind === 'punct') {
      switch (t.text) {
        case '(': {
          this.next();
          const inner = this.complex();
          this.expectPunct(')', 'to close "("');
          return this.segments(inner, at);
        }
        case '[':
          return this.segments(this.array(), at);
        case '{':
          return this.segments(this.record(), at);
        case '$':
          return this.metaPath();
        case '<<':
          this.refuse('<< ... >>', 'binary literals have no counterpart in tremolo\'s expressions');
      }
      this.unexpected('a value');
    }
    if (t.kind !== 'ident') this.unexpected('a value');
    if (!t.escaped) {
      if (t.text === 'null' || t.text === 'true' || t.text === 'false') {
        this.next();
        return { kind: 'literal', value: t.text === 'null' ? null : t.text === 'true', at };
      }
      if (t.text === 'patch') return this.patch();
      if (t.text === 'merge') return this.mergeExpr();
      if (t.text === 'recur') this.refuse('recur ...', 'recursion has no counterpart in tremolo\'s expressions');
      const root = ROOTS.get(t.text);
      if (root !== undefined) {
        this.next();
        return { kind: 'path', root, segments: this.segmentList(), at };
      }
    }
    return this.named();
  }

  /** A call `f(...)`, `m::f(...)`, a module constant `m::c`, or a local variable. */
  named(): Expr {
    const first = this.next();
    const at = placeOf(first);
    const path = [first.text];
    while (this.isPunct('::')) {
      this.next();
      path.push(this.ident('a name after "::"').name);
    }
    if (this.eatPunct('(')) {
      const args: Expr[] = [];
      while (!this.isPunct(')')) {
        args.push(this.complex());
        if (!this.eatPunct(',')) break;
      }
      this.expectPunct(')', 'to close the arguments');
      const call: Expr = { kind: 'call', module: path.slice(0, -1), name: path[path.length - 1]!, args, at };
      return this.segments(call, at);
    }
    if (path.length > 1) return this.segments({ kind: 'const', path, at }, at);
    if (first.kind === 'ident' && !first.escaped && RESERVED.has(first.text)) {
      throw new TroyError('ERR_FLOW_PARSE', at, `expected a value, found the keyword "${first.text}"`);
    }
    return { kind: 'path', root: 'local', name: first.text, segments: this.segmentList(), at };
  }

  metaPath(): PathExpr {
    const at = this.here();
    this.expectPunct('$');
    const segments: Segment[] = [];
    const t = this.peek();
    // `select $ from in` reads all of the metadata: a keyword after `$` is not a field of it.
    if (t.kind === 'ident' && (t.escaped || !RESERVED.has(t.text))) {
      this.next();
      segments.push({ kind: 'field', name: t.text, at: placeOf(t) });
    }
    return { kind: 'path', root: 'meta', segments: [...segments, ...this.segmentList()], at };
  }

  segmentList(): Segment[] {
    const out: Segment[] = [];
    for (;;) {
      const at = this.here();
      if (this.eatPunct('.')) {
        out.push({ kind: 'field', name: this.ident('a field name after "."').name, at });
      } else if (this.eatPunct('[')) {
        const index = this.complex();
        if (this.eatPunct(':')) {
          this.complex();
          this.expectPunct(']', 'to close the range');
          out.push({ kind: 'range', at });
        } else {
          this.expectPunct(']', 'to close "["');
          out.push({ kind: 'index', index, at });
        }
      } else {
        return out;
      }
    }
  }

  segments(base: Expr, at: Place): Expr {
    const segments = this.segmentList();
    return segments.length === 0 ? base : { kind: 'expr-path', base, segments, at };
  }

  array(): Expr {
    const at = this.here();
    this.expectPunct('[');
    const items: Expr[] = [];
    while (!this.isPunct(']')) {
      items.push(this.complex());
      if (!this.eatPunct(',')) break;
    }
    this.expectPunct(']', 'to close the array');
    return { kind: 'array', items, at };
  }

  record(): Expr {
    const at = this.here();
    this.expectPunct('{');
    const fields: { key: StringExpr; value: Expr; at: Place }[] = [];
    while (!this.isPunct('}')) {
      const k = this.peek();
      if (k.kind !== 'string') this.unexpected('a field name in double quotes');
      this.next();
      this.expectPunct(':', 'after the field name');
      fields.push({ key: this.stringOf(k), value: this.complex(), at: placeOf(k) });
      if (!this.eatPunct(',')) break;
    }
    this.expectPunct('}', 'to close the record');
    return { kind: 'record', fields, at };
  }

  /** A string token's parts, its interpolations parsed. */
  stringOf(t: Token & { kind: 'string' }): StringExpr {
    const parts = t.parts.map((p) => {
      if (typeof p === 'string') return p;
      const inner = this.parserFor(p.tokens);
      const expr = inner.complex();
      if (inner.peek().kind !== 'eof') inner.unexpected('"}" to close "#{"');
      return expr;
    });
    return { kind: 'string', parts, at: placeOf(t) };
  }
}
