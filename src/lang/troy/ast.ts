import type { Place } from './errors.js';

/**
 * The syntax tree of .troy files: Tremor's deployment statements, the Trickle statements of
 * pipeline definitions, and the script expressions both use. Every node keeps its place, so that
 * a problem found while compiling points at the text that caused it.
 */

// ---------------------------------------------------------------- expressions

export type PathRoot = 'event' | 'meta' | 'args' | 'state' | 'group' | 'window' | 'local';

export type Segment =
  | { readonly kind: 'field'; readonly name: string; readonly at: Place }
  | { readonly kind: 'index'; readonly index: Expr; readonly at: Place }
  | { readonly kind: 'range'; readonly at: Place };

export interface PathExpr {
  readonly kind: 'path';
  readonly root: PathRoot;
  /** The local's name (root `local`). */
  readonly name?: string;
  readonly segments: readonly Segment[];
  readonly at: Place;
}

export interface RecordField {
  readonly key: StringExpr;
  readonly value: Expr;
  readonly at: Place;
}

export interface StringExpr {
  readonly kind: 'string';
  readonly parts: readonly (string | Expr)[];
  readonly at: Place;
}

export interface MatchExpr {
  readonly kind: 'match';
  readonly target: Expr;
  readonly cases: readonly Case[];
  readonly at: Place;
}

/** `case (k, v) [when guard] => value` of a `for` comprehension. */
export interface ForCase {
  readonly key: string;
  readonly value: string;
  readonly guard: Expr | undefined;
  readonly body: readonly Expr[];
  readonly at: Place;
}

export interface ForExpr {
  readonly kind: 'for';
  readonly target: Expr;
  readonly cases: readonly ForCase[];
  readonly at: Place;
}

/** One operation of a `patch`: `insert "k" => v`, `merge => v`, `erase "k"`... */
export interface PatchOp {
  readonly op: 'insert' | 'upsert' | 'update' | 'erase' | 'merge' | 'default' | 'copy' | 'move';
  /** The key, absent for `merge => v` and `default => v`. */
  readonly key: StringExpr | undefined;
  readonly value: Expr | undefined;
  readonly at: Place;
}

export type Expr =
  | { readonly kind: 'literal'; readonly value: null | boolean | number | bigint; readonly at: Place }
  | StringExpr
  | { readonly kind: 'array'; readonly items: readonly Expr[]; readonly at: Place }
  | { readonly kind: 'record'; readonly fields: readonly RecordField[]; readonly at: Place }
  | PathExpr
  /** A path off a computed value: `(expr).a`, `f(x)[0]`. */
  | { readonly kind: 'expr-path'; readonly base: Expr; readonly segments: readonly Segment[]; readonly at: Place }
  /** `module::name` that is not a call: a constant of a module. */
  | { readonly kind: 'const'; readonly path: readonly string[]; readonly at: Place }
  | { readonly kind: 'call'; readonly module: readonly string[]; readonly name: string; readonly args: readonly Expr[]; readonly at: Place }
  | { readonly kind: 'unary'; readonly op: '-' | '+' | 'not' | '!'; readonly operand: Expr; readonly at: Place }
  | { readonly kind: 'binary'; readonly op: string; readonly left: Expr; readonly right: Expr; readonly at: Place }
  | { readonly kind: 'present'; readonly path: PathExpr; readonly absent: boolean; readonly at: Place }
  | MatchExpr
  | ForExpr
  /** `patch target of op... end`, and `merge target of value end`. */
  | { readonly kind: 'patch'; readonly target: Expr; readonly ops: readonly PatchOp[]; readonly at: Place };

// ---------------------------------------------------------------- match patterns

/** `dissect|%{a} %{b}|`: an extractor's name and its pattern, `\|` unescaped. */
export interface Extractor {
  readonly name: string;
  readonly pattern: string;
  /** As written, for messages. */
  readonly text: string;
  readonly at: Place;
}

export type FieldPattern =
  | { readonly kind: 'present' | 'absent'; readonly key: string; readonly at: Place }
  | { readonly kind: 'extract'; readonly key: string; readonly extractor: Extractor; readonly at: Place }
  | { readonly kind: 'compare'; readonly key: string; readonly op: string; readonly value: Expr; readonly at: Place }
  | { readonly kind: 'record'; readonly key: string; readonly pattern: RecordPattern; readonly at: Place };

export interface RecordPattern {
  readonly kind: 'record';
  readonly fields: readonly FieldPattern[];
  readonly at: Place;
}

export type Pattern =
  | { readonly kind: 'any'; readonly at: Place }
  | { readonly kind: 'expr'; readonly expr: Expr; readonly at: Place }
  | RecordPattern
  /** `case ~ re|...|`: the target itself fits the extractor. */
  | { readonly kind: 'extract'; readonly extractor: Extractor; readonly at: Place }
  | { readonly kind: 'assign'; readonly name: string; readonly pattern: Pattern; readonly at: Place };

export interface Case {
  /** Undefined for `default`. */
  readonly pattern: Pattern | undefined;
  readonly guard: Expr | undefined;
  /** The case's expressions; the last one is its value. */
  readonly body: readonly ScriptStmt[];
  readonly at: Place;
}

// ---------------------------------------------------------------- script statements

export type ScriptStmt =
  | Expr
  | { readonly kind: 'let'; readonly target: PathExpr; readonly value: Expr; readonly at: Place }
  | { readonly kind: 'emit'; readonly value: Expr | undefined; readonly port: string | undefined; readonly at: Place }
  | { readonly kind: 'drop'; readonly at: Place };

// ---------------------------------------------------------------- shared pieces of statements

export interface Ident {
  readonly name: string;
  readonly at: Place;
}

/** `module::name` as written: `integration::read_file`, or a bare `name`. */
export interface Target {
  readonly path: readonly string[];
  readonly at: Place;
}

export interface ArgDecl {
  readonly name: string;
  readonly value: Expr | undefined;
  readonly at: Place;
}

export interface WithEntry {
  readonly name: string;
  readonly value: Expr;
  readonly at: Place;
}

export interface StreamRef {
  readonly name: Ident;
  readonly port: Ident | undefined;
  readonly at: Place;
}

// ---------------------------------------------------------------- Trickle statements

/** `group by EXPR`, `set(G, ...)` of group definitions (nested sets flatten), `each(LIST)`: one group per element. */
export type GroupBy =
  | { readonly kind: 'expr'; readonly expr: Expr; readonly at: Place }
  | { readonly kind: 'set'; readonly items: readonly GroupBy[]; readonly at: Place }
  | { readonly kind: 'each'; readonly expr: Expr; readonly at: Place };

export interface SelectStmt {
  readonly kind: 'select';
  readonly target: Expr;
  readonly from: StreamRef;
  readonly windows: readonly Target[];
  readonly where: Expr | undefined;
  readonly groupBy: GroupBy | undefined;
  readonly into: StreamRef;
  readonly having: Expr | undefined;
  readonly at: Place;
}

export interface DefineWindow {
  readonly kind: 'define-window';
  readonly name: string;
  readonly windowKind: Ident;
  readonly with: readonly WithEntry[];
  readonly script: Place | undefined;
  readonly at: Place;
}

export interface DefineScript {
  readonly kind: 'define-script';
  readonly name: string;
  readonly args: readonly ArgDecl[];
  readonly state: Place | undefined;
  /** The modules its body uses (`use std::record;`). */
  readonly uses: readonly ModuleImport[];
  /** Places of `script from PORT` blocks, which are outside the subset. */
  readonly named: readonly Place[];
  readonly body: readonly ScriptStmt[];
  readonly doc: readonly string[];
  readonly at: Place;
}

export interface DefineOperator {
  readonly kind: 'define-operator';
  readonly name: string;
  readonly operatorKind: Target;
  /** Its settings (`with count = 5 end`), given over by those of the `create`. */
  readonly with: readonly WithEntry[];
  readonly at: Place;
}

/** `create script|operator|pipeline ALIAS [from TARGET] [with ... end]` inside a pipeline. */
export interface CreateInPipeline {
  readonly kind: 'create-script' | 'create-operator' | 'create-pipeline';
  readonly alias: Ident;
  readonly target: Target | undefined;
  readonly with: readonly WithEntry[];
  readonly at: Place;
}

export type QueryStmt =
  | SelectStmt
  | DefineWindow
  | DefineScript
  | DefineOperator
  | DefinePipeline
  | UseStmt
  | { readonly kind: 'create-stream'; readonly name: Ident; readonly at: Place }
  | CreateInPipeline;

// ---------------------------------------------------------------- deployment statements

/** One module a `use` names: `use a::b as c;` names one, `use a::{b, c as d};` several. */
export interface ModuleImport {
  readonly path: readonly string[];
  readonly alias: string;
  readonly at: Place;
}

export interface UseStmt {
  readonly kind: 'use';
  readonly imports: readonly ModuleImport[];
  readonly at: Place;
}

export interface DefineConnector {
  readonly kind: 'define-connector';
  readonly name: string;
  readonly connectorKind: Ident;
  readonly args: readonly ArgDecl[];
  readonly with: readonly WithEntry[];
  readonly doc: readonly string[];
  readonly at: Place;
}

export interface DefinePipeline {
  readonly kind: 'define-pipeline';
  readonly name: string;
  readonly from: readonly Ident[] | undefined;
  readonly into: readonly Ident[] | undefined;
  readonly args: readonly ArgDecl[];
  /** Its `#!config NAME = VALUE` directives. */
  readonly config: readonly WithEntry[];
  readonly body: readonly QueryStmt[];
  readonly doc: readonly string[];
  readonly at: Place;
}

export interface CreateStmt {
  readonly kind: 'create';
  readonly what: 'connector' | 'pipeline';
  readonly alias: Ident;
  readonly target: Target | undefined;
  readonly with: readonly WithEntry[];
  readonly at: Place;
}

export interface Endpoint {
  readonly what: 'connector' | 'pipeline';
  readonly alias: Ident;
  readonly port: Ident | undefined;
  readonly at: Place;
}

export interface ConnectStmt {
  readonly kind: 'connect';
  readonly from: Endpoint;
  readonly to: Endpoint;
  readonly at: Place;
}

export type FlowStmt = UseStmt | DefineConnector | DefinePipeline | CreateStmt | ConnectStmt;

export interface DefineFlow {
  readonly kind: 'define-flow';
  readonly name: string;
  readonly args: readonly ArgDecl[];
  readonly body: readonly FlowStmt[];
  readonly doc: readonly string[];
  readonly at: Place;
}

export interface DeployFlow {
  readonly kind: 'deploy';
  readonly alias: Ident;
  readonly target: Target;
  readonly with: readonly WithEntry[];
  readonly doc: readonly string[];
  readonly at: Place;
}

/** `fn name(a, b) with ... end`: a function of a module, inlined where it is called. */
export interface DefineFn {
  readonly kind: 'define-fn';
  readonly name: string;
  readonly params: readonly string[];
  readonly body: readonly ScriptStmt[];
  readonly at: Place;
}

/** `const name = value`: a constant of a module. */
export interface DefineConst {
  readonly kind: 'define-const';
  readonly name: string;
  readonly value: Expr;
  readonly at: Place;
}

/** What a file holds at its top level: a deployment, or a module of definitions (or both). */
export type TopStmt = UseStmt | DefineFlow | DeployFlow | DefineConnector | DefinePipeline | DefineFn | DefineConst;
