import { dynamicIndex, needsOwnCheck, ownField, position } from './access.js';
import type { EvalContext, Evaluator } from './api.js';
import type { BinaryOp, Node, Root, Span } from './ast.js';
import type { CallSite } from './call-site.js';
import { forClosure } from './compile-for.js';
import { andClosure, binaryClosure, conditionalClosure, negateClosure, notClosure, orClosure } from './compile-operators.js';
import { rootPath } from './compile-paths.js';
import { recordClosure } from './compile-records.js';
import { constant, derived, type Compiled } from './compiled.js';
import { syntaxError } from './errors.js';
import { findFunction } from './functions.js';
import { RegexCache } from './regex-cache.js';
import { deepFreeze, defineKey } from './values.js';
import { binaryFailure, parseSites, StrictRead, strictRootPath, strictField, strictIndex, strictPosition, type Site, type SiteRoot } from './strict.js';
import { isRuntimeError } from '../../sdk/errors.js';
import { holdsBytes } from '../../sdk/values.js';

/**
 * Turns the syntax tree into a tree of closures, once, at load time. The one check left to it is
 * where a regex literal may stand (the right of `~=`, the pattern of `matches`), a load-time
 * ERR_EXPR_SYNTAX like the parser's.
 *
 * Sub-expressions that read nothing (no root, no `now()`) are evaluated here and replaced by their
 * value. A fold that fails is dropped rather than reported, so an error in a branch that is never
 * taken stays harmless, exactly as without folding.
 */
export class Compiler {
  /** The slot of each name the comprehensions around the node being compiled bind. */
  #scope = new Map<string, number>();
  #slots = 0;
  /** Inside `strict(...)`: the sites of its reads by offset (empty when it names none); undefined outside. */
  #strict: ReadonlyMap<number, Site> | undefined;

  constructor(readonly source: string) {}

  text(span: Span): string {
    return this.source.slice(span.start, span.end);
  }

  compile(node: Node): Compiled {
    const c = this.#node(node);
    if (c.known !== undefined || c.dynamic || c.usesArgs) return c;
    let value: unknown;
    try {
      value = c.fn(FOLD_CONTEXT);
    } catch {
      return c;
    }
    // Bytes cannot be frozen, and a shared mutable value would leak changes between evaluations.
    return holdsBytes(value) ? c : constant(deepFreeze(value));
  }

  #node(node: Node): Compiled {
    switch (node.kind) {
      case 'literal':
        return constant(node.value);
      case 'regex':
        throw syntaxError(`a regex literal at ${node.start} can only stand on the right of "~=" or as the pattern of matches() and captures()`, node.start);
      case 'root':
        return root(node.root);
      case 'array': {
        const items = node.items.map((n) => this.compile(n));
        const fns = items.map((c) => c.fn);
        const n = fns.length;
        return derived((ctx) => {
          const out = new Array<unknown>(n);
          for (let i = 0; i < n; i++) out[i] = (fns[i] as Evaluator)(ctx);
          return out;
        }, items);
      }
      case 'record':
        return this.#record(node);
      case 'field':
        if (this.#strict !== undefined) return this.#strictField(node);
        return this.#field(node.object, node.name);
      case 'index': {
        if (this.#strict !== undefined) return this.#strictIndex(node);
        const object = this.compile(node.object);
        const index = this.compile(node.index);
        const of = object.fn;
        const key = index.known?.value;
        if (typeof key === 'number') return derived((ctx) => position(of(ctx), key), [object]);
        if (typeof key === 'string') return derived((ctx) => ownField(of(ctx), key), [object]);
        const text = this.text(node);
        const kf = index.fn;
        return derived((ctx) => dynamicIndex(of(ctx), kf(ctx), text), [object, index]);
      }
      case 'call':
        return this.#call(node);
      case 'negate': {
        const operand = this.compile(node.operand);
        return derived(negateClosure(operand.fn, this.text(node)), [operand]);
      }
      case 'not': {
        const operand = this.compile(node.operand);
        return derived(notClosure(operand.fn, this.text(node)), [operand]);
      }
      case 'and':
      case 'or': {
        const left = this.compile(node.left);
        const right = this.compile(node.right);
        const make = node.kind === 'and' ? andClosure : orClosure;
        return derived(make(left.fn, right.fn, this.text(node)), [left, right]);
      }
      case 'binary': {
        const left = this.compile(node.left);
        if (node.op === '~=' && node.right.kind === 'regex') {
          return derived(binaryClosure('~=', left, node.right.regex, this.text(node)), [left]);
        }
        const right = this.compile(node.right);
        const site = this.#strict?.get(node.opStart);
        if (site !== undefined) return derived(strictBinary(node.op, left, right, this.text(node), site), [left, right]);
        return derived(binaryClosure(node.op, left, right, this.text(node)), [left, right]);
      }
      case 'conditional':
        return this.#conditional(node);
      case 'name': {
        const slot = this.#scope.get(node.name);
        // The parser only lets a name through when a comprehension binds it.
        if (slot === undefined) throw syntaxError(`unknown root ${JSON.stringify(node.name)} at ${node.start}`, node.start);
        return { fn: (ctx) => ctx.locals![slot], dynamic: true, usesArgs: false };
      }
      case 'for':
        return this.#for(node);
    }
  }

  #for(node: Extract<Node, { kind: 'for' }>): Compiled {
    const iterable = this.compile(node.iterable);
    const outer = this.#scope;
    this.#scope = new Map(outer);
    const slots = node.names.map((name) => {
      const slot = this.#slots++;
      this.#scope.set(name, slot);
      return slot;
    });
    try {
      const filter = node.filter === undefined ? undefined : this.compile(node.filter);
      const body = this.compile(node.body);
      const [keySlot, valueSlot] = slots.length === 2 ? slots : [undefined, slots[0]!];
      const parts = filter === undefined ? [iterable, body] : [iterable, filter, body];
      return derived(forClosure(iterable.fn, keySlot, valueSlot!, filter?.fn, body.fn, this.text(node)), parts);
    } finally {
      this.#scope = outer;
    }
  }

  #field(objectNode: Node, name: string): Compiled {
    if (!needsOwnCheck(name)) {
      const keys = [name];
      let at = objectNode;
      while (at.kind === 'field' && !needsOwnCheck(at.name)) {
        keys.unshift(at.name);
        at = at.object;
      }
      if (at.kind === 'root') return { fn: rootPath(at.root, keys), dynamic: at.root !== 'args', usesArgs: at.root === 'args' };
    }
    const object = this.compile(objectNode);
    const of = object.fn;
    if (needsOwnCheck(name)) return derived((ctx) => ownField(of(ctx), name), [object]);
    return derived((ctx) => {
      const o = of(ctx);
      if (typeof o !== 'object' || o === null) return null;
      const v = (o as Record<string, unknown>)[name];
      return v === undefined ? null : v;
    }, [object]);
  }

  /**
   * Where the key after `object` starts: past the "." or "[" that follows it (`.a`, `["a"]` and
   * `[(i)]` alike; a parenthesised object's node may end inside its parentheses).
   */
  #keyStart(object: Node): number {
    const src = this.source;
    let i = object.end;
    while (i < src.length && src[i] !== '.' && src[i] !== '[') i++;
    return i + 1;
  }

  /** How a strict read at `keyStart` fails: its site, or its text and the root it starts from. */
  #strictRead(node: Node, keyStart: number): StrictRead {
    let at = node;
    while (at.kind === 'field' || at.kind === 'index') at = at.object;
    const root: SiteRoot = at.kind !== 'root' ? 'local' : at.root === 'meta' ? 'global' : at.root === 'event' || at.root === 'state' ? at.root : 'local';
    return new StrictRead(this.text(node), root, this.#strict?.get(keyStart));
  }

  #strictField(node: Extract<Node, { kind: 'field' }>): Compiled {
    // `event.a.b`: read as a lenient path is (one closure, a literal read of its own), and only a
    // null looked at again, strictly: a missing key reads null there, and null values are rare.
    const chain: Extract<Node, { kind: 'field' }>[] = [];
    let at: Node = node;
    while (at.kind === 'field' && !needsOwnCheck(at.name)) {
      chain.unshift(at);
      at = at.object;
    }
    if (at.kind === 'root' && chain.length > 0 && chain[chain.length - 1] === node) {
      const keys = chain.map((f) => f.name);
      const reads = chain.map((f) => this.#strictRead(f, this.#keyStart(f.object)));
      return { fn: strictRootPath(at.root, rootPath(at.root, keys), keys, reads), dynamic: at.root !== 'args', usesArgs: at.root === 'args' };
    }
    const object = this.compile(node.object);
    return derived(strictField(object.fn, node.name, this.#strictRead(node, this.#keyStart(node.object))), [object]);
  }

  #strictIndex(node: Extract<Node, { kind: 'index' }>): Compiled {
    const object = this.compile(node.object);
    const index = this.compile(node.index);
    const of = object.fn;
    const read = this.#strictRead(node, this.#keyStart(node.object));
    const key = index.known?.value;
    if (typeof key === 'number') return derived((ctx) => strictPosition(of(ctx), key, read), [object]);
    const kf = index.fn;
    return derived((ctx) => strictIndex(of(ctx), kf(ctx), read), [object, index]);
  }

  /** `strict(value[, source])`: the value, its reads compiled strict (see strict.ts). */
  #strictCall(node: Extract<Node, { kind: 'call' }>): Compiled {
    const [value, source] = node.args as [Node, Node | undefined];
    let sites: ReadonlyMap<number, Site> = new Map();
    if (source !== undefined) {
      const known = this.compile(source).known;
      if (known === undefined) throw syntaxError(`the source of strict() at ${source.start} must be a literal record`, source.start);
      // Offsets count from the first character after "strict(" (a parenthesised value's node starts inside).
      sites = parseSites(known.value, this.source.indexOf('(', node.start) + 1, source.start);
    }
    const outer = this.#strict;
    this.#strict = outer === undefined ? sites : new Map([...outer, ...sites]);
    try {
      return this.compile(value);
    } finally {
      this.#strict = outer;
    }
  }

  #record(node: Extract<Node, { kind: 'record' }>): Compiled {
    const values = node.entries.map((e) => this.compile(e.value));
    const keys = node.entries.map((e) => e.key);
    return derived(recordClosure(keys, values.map((c) => c.fn)), values);
  }

  #conditional(node: Extract<Node, { kind: 'conditional' }>): Compiled {
    const test = this.compile(node.test);
    const then = this.compile(node.then);
    const otherwise = this.compile(node.otherwise);
    const text = this.text(node);
    const t = test.known?.value;
    // A known condition picks its branch now; a known non-boolean stays to fail at run time.
    if (t === true || t === false || t === null) return t === true ? then : otherwise;
    return derived(conditionalClosure(test.fn, then.fn, otherwise.fn, text), [test, then, otherwise]);
  }

  #call(node: Extract<Node, { kind: 'call' }>): Compiled {
    const spec = findFunction(node.name);
    // The parser has checked the name and the arity.
    if (spec === undefined) throw new Error(`internal: no function ${node.name}`);
    if (spec.name === 'strict') return this.#strictCall(node);
    const n = node.args.length;
    const args = node.args.map((a, i) => (a.kind === 'regex' && i === spec.regexArg ? constant(a.regex) : this.compile(a)));
    const text = this.text(node);
    if (spec.name === 'try') return tryClosure(args[0]!, args[1]!);
    const site: CallSite = { name: node.name, params: spec.params, text, regexes: new RegexCache(text) };
    const [a, b, c] = args.map((x) => x.fn);
    let fn: Evaluator;
    if (typeof spec.call !== 'function') {
      const variadic = spec.call.variadic;
      const fns = args.map((x) => x.fn);
      fn = (ctx) => {
        const values = new Array<unknown>(n);
        for (let i = 0; i < n; i++) values[i] = (fns[i] as Evaluator)(ctx);
        return variadic(site, values);
      };
    } else {
      const f = spec.call;
      if (c !== undefined && b !== undefined && a !== undefined) fn = (ctx) => f(site, a(ctx), b(ctx), c(ctx));
      else if (b !== undefined && a !== undefined) fn = (ctx) => f(site, a(ctx), b(ctx), undefined);
      else if (a !== undefined) fn = (ctx) => f(site, a(ctx), undefined, undefined);
      else fn = () => f(site, undefined, undefined, undefined);
    }
    return derived(fn, args, spec.pure === false);
  }
}

/**
 * `try(value, fallback)`: the value, or the fallback where evaluating it fails (ERR_EXPR_EVAL). The
 * fallback is evaluated only then, so this one call takes its arguments unevaluated.
 */
function tryClosure(value: Compiled, fallback: Compiled): Compiled {
  const v = value.fn;
  const f = fallback.fn;
  return derived(
    (ctx) => {
      try {
        return v(ctx);
      } catch (err) {
        if (isRuntimeError(err) && err.code === 'ERR_EXPR_EVAL') return f(ctx);
        throw err;
      }
    },
    [value, fallback],
  );
}

function root(which: Root): Compiled {
  switch (which) {
    case 'event':
      return { fn: (ctx) => ctx.event ?? null, dynamic: true, usesArgs: false };
    case 'meta':
      return { fn: (ctx) => ctx.meta ?? null, dynamic: true, usesArgs: false };
    case 'state':
      return { fn: (ctx) => ctx.state ?? null, dynamic: true, usesArgs: false };
    case 'group':
      return { fn: (ctx) => ctx.group ?? null, dynamic: true, usesArgs: false };
    case 'args':
      return { fn: (ctx) => ctx.args ?? null, dynamic: false, usesArgs: true };
  }
}

/**
 * A binary operator whose failure is drawn at its site (strict.ts): the operands' values are kept
 * as they are computed, so that a failure of the operator itself (not one of an operand, already
 * drawn where it happened) names their types in Tremor's words.
 */
function strictBinary(op: BinaryOp, left: Compiled, right: Compiled, text: string, site: Site): Evaluator {
  let a: unknown;
  let b: unknown;
  let both = false;
  const lf = left.fn;
  const rf = right.fn;
  const l: Compiled = { ...left, fn: (ctx) => ((both = false), (a = lf(ctx))) };
  const r: Compiled = { ...right, fn: (ctx) => ((b = rf(ctx)), (both = true), b) };
  const inner = binaryClosure(op, l, r, text);
  return (ctx) => {
    try {
      return inner(ctx);
    } catch (err) {
      if (both && isRuntimeError(err) && err.code === 'ERR_EXPR_EVAL') throw binaryFailure(site, op, a, b);
      throw err;
    }
  };
}

/** Folding only evaluates nodes that read no root, so this context is never looked at. */
const FOLD_CONTEXT: EvalContext = { event: null, meta: {}, args: {} };
