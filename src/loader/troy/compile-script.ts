import type { Case, DefineScript, Expr, MatchExpr, PathExpr, ScriptStmt } from '../../lang/troy/ast.js';
import { TroyError, unsupported, type Place } from '../../lang/troy/errors.js';
import { ERROR_TEXT } from './compile-select.js';
import { failure, member } from './expr-text.js';
import type { PipelineGraph, Source, Step } from './pipeline-graph.js';
import { fixedKey, type Local } from './translate-env.js';
import type { Translator } from './translate-expr.js';

/**
 * A Tremor script as operators. Statements run in order on each event: `let event.x = v` is a
 * `set`, `let event = v` a `map`, `emit [v] [=> "port"]` sends the event (or `v`) to a port of the
 * script and stops, `drop` stops, and a `match` whose cases act is a `route` with one branch per
 * case. As in Tremor, when a script ends without `emit` or `drop`, the value of its last
 * expression is the event it sends to `out`; after a `let`, that is the value assigned.
 * Locals are inlined where they are read, so one read after the event changed is refused.
 */
interface Flow {
  readonly sources: readonly Source[];
  readonly version: number;
  readonly locals: ReadonlyMap<string, Local>;
}

/** Whether a script reads or writes `state` anywhere: only then do its operators share one. */
function mentionsState(node: unknown): boolean {
  if (node === null || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some(mentionsState);
  const n = node as { kind?: unknown; root?: unknown };
  if (n.kind === 'path' && n.root === 'state') return true;
  return Object.values(node).some(mentionsState);
}

const isStatement = (s: ScriptStmt): s is Exclude<ScriptStmt, Expr> => s.kind === 'let' || s.kind === 'emit' || s.kind === 'drop';

/** A match with lets, emits or drops in its cases acts on the event; one without only computes a value. */
const acts = (m: MatchExpr): boolean => m.cases.some((c) => c.body.some((s) => isStatement(s) || (s.kind === 'match' && acts(s))));

/** The match with `let target = value` in place of each case's value, a nested acting match's too. */
function assignInCases(m: MatchExpr, target: PathExpr, at: Place): MatchExpr {
  const cases = m.cases.map((c): Case => {
    const last = c.body[c.body.length - 1]!;
    if (isStatement(last)) return c;
    const assign: ScriptStmt = last.kind === 'match' && acts(last) ? assignInCases(last, target, at) : { kind: 'let', target, value: last, at };
    return { ...c, body: [...c.body.slice(0, -1), assign] };
  });
  return { ...m, cases };
}

export class ScriptCompiler {
  #steps = 0;
  #versions = 0;

  constructor(
    private readonly graph: PipelineGraph,
    private readonly alias: string,
    private readonly translator: Translator,
    /** Whether a select reads the script's `err` port: its errors then take Tremor's shape. */
    private readonly errorsRead = false,
  ) {}

  compile(def: DefineScript): void {
    if (def.state !== undefined) {
      throw unsupported(def.state, 'state EXPR', 'a script\'s state starts as null; set its first value in the script: let state = match state of case null => ... case _ => state end');
    }
    if (def.named[0] !== undefined) throw unsupported(def.named[0], 'script from PORT', 'a script has one block, for its input port');
    const start: Flow = { sources: [{ kind: 'virtual', name: `script:${this.alias}` }], version: 0, locals: new Map() };
    const before = new Set(this.graph.nodeNames());
    this.#block(def.body, start, true, def.at);
    // The script's `err` port: what any of its operators fails on. Unread, errors stay on the pipeline's `err`.
    const mine = this.graph.nodeNames().filter((n) => !before.has(n));
    const errors = mine.map((node): Source => ({ kind: 'op', node, port: 'err' }));
    // Read, they become Tremor's error event: the error's text and the event, nothing more.
    const shaped = this.errorsRead
      ? this.graph.chain(errors, [{ name: `${this.alias}-error`, op: 'map', config: { event: `{"error": ${ERROR_TEXT}, "event": event.event}` }, at: def.at }])
      : errors;
    this.graph.link(shaped, this.#port('err'), def.at);
    // The script is several operators and its state one value: they share it under the script's alias.
    if (mentionsState(def.body)) this.graph.shareState(mine, this.alias);
  }

  #port(port: string): { kind: 'virtual'; name: string } {
    return { kind: 'virtual', name: `script:${this.alias}/${port}` };
  }

  #name(what: string): string {
    return `${this.alias}-${what}-${++this.#steps}`;
  }

  #translator(flow: Flow): Translator {
    return this.translator.with({ locals: flow.locals, version: flow.version, scriptState: true });
  }

  #step(flow: Flow, step: Omit<Step, 'name'> & { what: string }, mutates: boolean): Flow {
    const [out] = this.graph.chain(flow.sources, [{ ...step, name: this.#name(step.what) }]);
    return { sources: [out!], version: mutates ? ++this.#versions : flow.version, locals: flow.locals };
  }

  /** Sends what `flow` holds (or `value`) to the script's `port`. */
  #emit(flow: Flow, value: Expr | undefined, port: string, at: Place): void {
    let current = flow;
    if (value !== undefined && !(value.kind === 'path' && value.root === 'event' && value.segments.length === 0)) {
      current = this.#step(flow, { what: 'emit', op: 'map', config: { event: this.#translator(flow).expr(value) }, at: value.at, configAt: { event: value.at } }, true);
    }
    this.graph.link(current.sources, this.#port(port), at);
  }

  /** The statements from `flow` on; undefined when every path has emitted or dropped. */
  #block(stmts: readonly ScriptStmt[], flow: Flow, tail: boolean, at: Place): Flow | undefined {
    let current = flow;
    for (const [i, stmt] of stmts.entries()) {
      const last = tail && i === stmts.length - 1;
      if (stmt.kind === 'drop') return undefined;
      if (stmt.kind === 'emit') {
        if (stmt.port !== undefined && !/^[A-Za-z_][A-Za-z0-9_-]*$/.test(stmt.port)) {
          throw new TroyError('ERR_PORT_INVALID', stmt.at, `a port name is letters, digits, "_" and "-", received ${JSON.stringify(stmt.port)}`);
        }
        this.#emit(current, stmt.value, stmt.port ?? 'out', stmt.at);
        return undefined;
      }
      if (stmt.kind === 'let' && stmt.value.kind === 'match' && acts(stmt.value)) {
        // `let x = match ... case a => drop case b => v end`: each case that has a value assigns it.
        const after = this.#match(current, assignInCases(stmt.value, stmt.target, stmt.at), last);
        if (after === undefined) return undefined;
        current = after;
        continue;
      }
      if (stmt.kind === 'let') {
        current = this.#let(current, stmt.target, stmt.value, stmt.at, last);
        if (last) return undefined;
        continue;
      }
      if (stmt.kind === 'match' && acts(stmt)) {
        const after = this.#match(current, stmt, last);
        if (after === undefined) return undefined;
        current = after;
        continue;
      }
      // A bare expression does nothing, unless it is the last: then it is what the script sends.
      if (last) {
        this.#emit(current, stmt, 'out', stmt.at);
        return undefined;
      }
    }
    if (!tail) return current;
    this.graph.link(current.sources, this.#port('out'), at);
    return undefined;
  }

  #let(flow: Flow, target: PathExpr, value: Expr, at: Place, last: boolean): Flow {
    const translated = this.#translator(flow).translate(value);
    if (target.root === 'local') {
      if (target.segments.length > 0) throw unsupported(target.at, `let ${target.name}.… = …`, 'set a whole local: let x = {...}');
      const locals = new Map(flow.locals).set(target.name!, { text: `(${translated.text})`, dynamic: translated.dynamic, version: flow.version });
      const next = { ...flow, locals };
      if (last) this.#emit(next, value, 'out', at);
      return next;
    }
    if (target.root === 'state') return this.#letState(flow, target, translated.text, value, at, last);
    if (target.root !== 'event' && target.root !== 'meta') {
      throw new TroyError('ERR_FLOW_INVALID', target.at, `cannot assign to \`${target.root}\`; assign to event, $ or a local`);
    }
    if (target.root === 'meta' && target.segments.length === 0) {
      // Tremor refuses this at run time, in these words, for each event (its tests look for them):
      // the event goes to `err` with the reason.
      const why = "You are trying to assign to a value that isn't valid: `$` as a whole cannot be replaced; assign its fields, `let $.key = ...`";
      const failed = this.#step(flow, { what: 'let', op: 'map', config: { event: failure(at, why) }, at }, true);
      if (last) this.graph.link(failed.sources, this.#port('out'), at);
      return failed;
    }
    const path = this.#assignable(target);
    if (last && target.root === 'event') {
      // The event becomes the value assigned anyway.
      this.#emit(flow, value, 'out', at);
      return flow;
    }
    let next: Flow;
    if (target.segments.length === 0) {
      const key = target.root === 'event' ? 'event' : 'meta';
      next = this.#step(flow, { what: 'let', op: 'map', config: { [key]: translated.text }, at, configAt: { [key]: value.at } }, true);
    } else {
      next = this.#step(flow, { what: 'let', op: 'set', config: { values: { [path]: translated.text } }, at, configAt: { values: value.at } }, true);
    }
    if (last) {
      // Tremor's script result after `let $x = v` is v, read back from where it was put.
      this.graph.link(this.#step(next, { what: 'value', op: 'map', config: { event: path }, at }, true).sources, this.#port('out'), at);
    }
    return next;
  }

  /**
   * `let state = v` is a map that sets the state and passes the event on; `let state.a.b = v`
   * sets the value into a copy of the records along the path (the state may have been emitted,
   * and events are not changed in place), creating missing ones as `let event.a.b` does.
   */
  #letState(flow: Flow, target: PathExpr, text: string, value: Expr, at: Place, last: boolean): Flow {
    let path = 'state';
    const bases: string[] = [];
    for (const seg of target.segments) {
      const key = fixedKey(seg);
      if (key === undefined) throw unsupported(seg.at, 'let with a computed or numeric index', 'assign to fields named in the text: let state.a.b = ...');
      bases.push(path);
      path = member(path, key);
    }
    let next = text;
    for (let i = target.segments.length - 1; i >= 0; i--) {
      // Missing records along the path are created, so reading them must not fail (paths are strict).
      next = `merge(default(try(${bases[i]}, null), {}), {${JSON.stringify(fixedKey(target.segments[i]!))}: ${next}})`;
    }
    const after = this.#step(flow, { what: 'let', op: 'map', config: { state: next }, at, configAt: { state: value.at } }, true);
    if (last) this.graph.link(this.#step(after, { what: 'value', op: 'map', config: { event: path }, at }, true).sources, this.#port('out'), at);
    return after;
  }

  /** `event.a["b"]` or `$.a` as a path the set operator takes; computed keys are refused. */
  #assignable(target: PathExpr): string {
    let text = target.root === 'event' ? 'event' : '$';
    for (const seg of target.segments) {
      const key = fixedKey(seg);
      if (key === undefined) throw unsupported(seg.at, 'let with a computed or numeric index', 'assign to fields named in the text: let event.a.b = ...');
      text = member(text, key);
    }
    return text;
  }

  /** A match whose cases act: a route with one port per case, each case compiled from its port on. */
  #match(flow: Flow, m: MatchExpr, last: boolean): Flow | undefined {
    const translator = this.#translator(flow);
    const target = translator.expr(m.target);
    const routes: { port: string; when: string }[] = [];
    const branches: { port: string; c: Case; locals: ReadonlyMap<string, Local> }[] = [];
    let fallback: Case | undefined;
    for (const [k, c] of m.cases.entries()) {
      const { condition, inner } = translator.caseCondition(target, c);
      if (condition === 'true') {
        fallback = c;
        break;
      }
      const port = `case-${k + 1}`;
      routes.push({ port, when: condition });
      branches.push({ port, c, locals: inner.env.locals });
    }
    const continuing: Flow[] = [];
    const run = (sources: readonly Source[], c: Case, locals: ReadonlyMap<string, Local>): void => {
      const end = this.#block(c.body, { sources, version: flow.version, locals }, last, c.at);
      if (end !== undefined) continuing.push(end);
    };
    if (routes.length === 0) {
      run(flow.sources, fallback!, flow.locals);
    } else {
      const route = this.graph.add({ name: this.#name('match'), op: 'route', config: { routes, default: 'otherwise' }, at: m.at, configAt: { routes: m.at } });
      this.graph.link(flow.sources, route.in, m.at);
      for (const b of branches) run([{ kind: 'op', node: route.node, port: b.port }], b.c, b.locals);
      const otherwise: Source = { kind: 'op', node: route.node, port: 'otherwise' };
      if (fallback !== undefined) run([otherwise], fallback, flow.locals);
      else this.graph.chain([otherwise], [{ name: this.#name('no-match'), op: 'map', config: { event: failure(m.at, 'no case of the match matched') }, at: m.at }]);
    }
    if (continuing.length === 0) return undefined;
    const changed = continuing.some((f) => f.version !== flow.version);
    return { sources: continuing.flatMap((f) => f.sources), version: changed ? ++this.#versions : flow.version, locals: flow.locals };
  }
}
