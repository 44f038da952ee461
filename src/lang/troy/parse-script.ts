import type { Case, Expr, Extractor, FieldPattern, Pattern, RecordPattern, ScriptStmt } from './ast.js';
import { placeOf } from './cursor.js';
import { TroyError } from './errors.js';
import type { Token } from './lexer.js';
import { BLOCK_END, COMPARISONS, ExpressionParser } from './parse-expr.js';

/** `match` expressions, their patterns and extractors, and the script statements case bodies hold. */
export class ExprParser extends ExpressionParser {
  parserFor(tokens: readonly Token[]): ExprParser {
    return new ExprParser(tokens);
  }

  // ------------------------------------------------------------ match

  match(mutable: boolean): Expr {
    const at = this.here();
    this.expectWord('match');
    const target = this.complex();
    this.expectWord('of', 'after the match target');
    const cases: Case[] = [];
    while (!this.isWord('end')) {
      const caseAt = this.here();
      let pattern: Pattern | undefined;
      let guard: Expr | undefined;
      if (this.eatWord('default')) {
        pattern = undefined;
      } else {
        this.expectWord('case', 'or "default" in the match');
        pattern = this.pattern();
        if (this.eatWord('when')) guard = this.complex();
      }
      this.expectPunct('=>', 'after the case');
      cases.push({ pattern, guard, body: this.caseBody(mutable), at: caseAt });
    }
    this.expectWord('end', 'to close the match');
    if (cases.length === 0) throw new TroyError('ERR_FLOW_PARSE', at, 'a match needs at least one case');
    return { kind: 'match', target, cases, at };
  }

  caseBody(mutable: boolean): ScriptStmt[] {
    const body: ScriptStmt[] = [];
    const separator = mutable ? ';' : ',';
    for (;;) {
      body.push(mutable ? this.scriptStmt() : this.complex());
      if (!this.eatPunct(separator)) return body;
      if (BLOCK_END.some((w) => this.isWord(w))) return body;
    }
  }

  pattern(): Pattern {
    const t = this.peek();
    const at = placeOf(t);
    if (t.kind === 'extractor') return { kind: 'extract', extractor: this.extractor(), at };
    if (this.isPunct('%[')) this.refuse('%[ ... ]', 'array patterns have no counterpart yet; compare with a value');
    if (this.isPunct('%(')) this.refuse('%( ... )', 'tuple patterns have no counterpart yet; compare with a value');
    if (this.isPunct('~')) this.refuse('~', 'extractors have no counterpart in tremolo');
    if (this.isPunct('%{')) return this.recordPattern();
    if (t.kind === 'ident' && t.text === '_' && !t.escaped) {
      this.next();
      return { kind: 'any', at };
    }
    if (t.kind === 'ident' && this.isPunct('=', 1)) {
      this.next();
      this.next();
      return { kind: 'assign', name: t.text, pattern: this.nested(() => this.pattern()), at };
    }
    return { kind: 'expr', expr: this.complex(), at };
  }

  /** An extractor token: its name and pattern. */
  extractor(): Extractor {
    const t = this.next();
    const m = /^(?:~\s*)?([A-Za-z_][A-Za-z0-9_]*)\|([\s\S]*)\|$/.exec(t.text)!;
    return { name: m[1]!, pattern: m[2]!.replaceAll('\\|', '|'), text: t.text, at: placeOf(t) };
  }

  recordPattern(): RecordPattern {
    const at = this.here();
    this.expectPunct('%{');
    const fields: FieldPattern[] = [];
    while (!this.isPunct('}')) {
      fields.push(this.fieldPattern());
      if (!this.eatPunct(',')) break;
    }
    this.expectPunct('}', 'to close the record pattern');
    return { kind: 'record', fields, at };
  }

  fieldPattern(): FieldPattern {
    const at = this.here();
    if (this.isWord('present') || this.isWord('absent')) {
      const kind = this.next().text as 'present' | 'absent';
      return { kind, key: this.ident('a field name').name, at };
    }
    const key = this.ident('a field name, "present" or "absent"').name;
    if (this.isPunct('=')) this.refuse(`${key} = ... ~= ...`, 'bind the whole record instead: case r = %{ ... } => r.field');
    if (this.eatPunct('~=')) {
      if (this.isPunct('%{')) return { kind: 'record', key, pattern: this.nested(() => this.recordPattern()), at };
      if (this.peek().kind === 'extractor') return { kind: 'extract', key, extractor: this.extractor(), at };
      this.refuse(`${key} ~= ...`, 'a nested record pattern %{ ... } or an extractor such as dissect|%{a} %{b}| follows ~=');
    }
    const op = this.peek();
    if (op.kind !== 'punct' || !COMPARISONS.has(op.text)) this.unexpected(`a comparison after the field name "${key}"`);
    this.next();
    return { kind: 'compare', key, op: op.text, value: this.complex(), at };
  }

  // ------------------------------------------------------------ script statements

  /** One statement of a script or of a case body in a script. */
  scriptStmt(): ScriptStmt {
    const at = this.here();
    if (this.eatWord('let')) {
      const target = this.unarySimple();
      if (target.kind !== 'path') throw new TroyError('ERR_FLOW_PARSE', target.at, 'expected a path to assign to after "let"');
      this.expectPunct('=', 'after the path to assign to');
      return { kind: 'let', target, value: this.complex(true), at };
    }
    if (this.eatWord('drop')) return { kind: 'drop', at };
    if (this.eatWord('emit')) {
      const ends = this.isPunct(';') || this.isPunct('=>') || this.peek().kind === 'eof' || BLOCK_END.some((w) => this.isWord(w));
      const value = ends ? undefined : this.complex();
      let port: string | undefined;
      if (this.eatPunct('=>')) {
        const p = this.peek();
        if (p.kind !== 'string' || p.parts.length !== 1 || typeof p.parts[0] !== 'string') this.unexpected('a port name in double quotes after "=>"');
        this.next();
        port = p.parts[0] as string;
      }
      return { kind: 'emit', value, port, at };
    }
    return this.complex(true);
  }
}
