import { formatPath, position } from './access.js';
import type { PathExpression } from './api.js';
import type { Node } from './ast.js';
import { Compiler } from './compile.js';
import { evalError, syntaxError } from './errors.js';
import { parse } from './parse.js';
import { isRecord, typeName } from './values.js';

type Segment = string | number;

/**
 * Assignable paths for set/remove/rename: `event` or `$` followed by fields and literal positions.
 * Writes are copy-on-write: only the records and arrays along the path are copied, everything
 * beside it is shared with the input, and the input itself is never touched.
 */
export function compilePath(source: string): PathExpression {
  const node = parse(source);
  const segments: Segment[] = [];
  let at: Node = node;
  for (;;) {
    if (at.kind === 'field') {
      segments.unshift(at.name);
      at = at.object;
    } else if (at.kind === 'index') {
      segments.unshift(literalPosition(at.index, source));
      at = at.object;
    } else {
      break;
    }
  }
  if (at.kind !== 'root') {
    throw syntaxError(`expected a path such as event.a.b or $.a at ${at.start}, starting with event or $`, at.start);
  }
  if (at.root !== 'event' && at.root !== 'meta') {
    throw syntaxError(`cannot assign to ${source.slice(at.start, at.end)} at ${at.start}; a path starts with event or $`, at.start);
  }
  const root = at.root;
  const get = new Compiler(source).compile(node).fn;
  const shown = formatPath(root === 'meta' ? '$' : 'event', segments);
  return {
    source,
    root,
    segments,
    get,
    set: (target: unknown, value: unknown) => setIn(target, segments, 0, value, shown),
    // Removing the root itself leaves nothing: null.
    remove: (target: unknown) => (segments.length === 0 ? null : removeIn(target, segments, 0)),
  };
}

/** `[0]`, `[-1]`: a position must be known at load time, or the path would not say where it writes. */
function literalPosition(index: Node, source: string): number {
  const negative = index.kind === 'negate';
  const inner = negative ? index.operand : index;
  if (inner.kind === 'literal' && typeof inner.value === 'number' && Number.isInteger(inner.value)) {
    return negative ? -inner.value : inner.value;
  }
  const text = source.slice(index.start, index.end);
  throw syntaxError(`a path position must be a literal integer or string, not ${JSON.stringify(text)} at ${index.start}`, index.start);
}

function setIn(container: unknown, segments: readonly Segment[], i: number, value: unknown, shown: string): unknown {
  if (i === segments.length) return value;
  const seg = segments[i] as Segment;
  const missing = container === null || container === undefined;
  if (typeof seg === 'string') {
    if (!missing && !isRecord(container)) throw notA('a record', container, segments, i, shown);
    const base = missing ? {} : container;
    const child = Object.hasOwn(base, seg) ? base[seg] : null;
    // A computed key in a literal defines an own property, so `__proto__` stays data.
    return { ...base, [seg]: setIn(child, segments, i + 1, value, shown) };
  }
  if (!missing && !Array.isArray(container)) throw notA('an array', container, segments, i, shown);
  const base: readonly unknown[] = missing ? [] : (container as readonly unknown[]);
  const at = seg < 0 ? base.length + seg : seg;
  // One past the end appends; further would leave holes that JSON cannot express.
  if (at < 0 || at > base.length) {
    throw evalError(`cannot set ${shown}: position ${seg} is outside ${formatPath(shown.startsWith('$') ? '$' : 'event', segments.slice(0, i))}, which has ${base.length} element${base.length === 1 ? '' : 's'}`);
  }
  const copy = base.slice();
  copy[at] = setIn(at < base.length ? base[at] : null, segments, i + 1, value, shown);
  return copy;
}

function notA(what: string, container: unknown, segments: readonly Segment[], i: number, shown: string): Error {
  const parent = formatPath(shown.startsWith('$') ? '$' : 'event', segments.slice(0, i));
  return evalError(`cannot set ${shown}: ${parent} is ${typeName(container)}, not ${what}`);
}

/** Returns `container` itself when nothing is removed, so an absent path costs no copy. */
function removeIn(container: unknown, segments: readonly Segment[], i: number): unknown {
  const seg = segments[i] as Segment;
  const last = i === segments.length - 1;
  if (typeof seg === 'string') {
    if (!isRecord(container) || !Object.hasOwn(container, seg)) return container;
    if (last) {
      const { [seg]: _removed, ...rest } = container;
      return rest;
    }
    const child = container[seg];
    const next = removeIn(child, segments, i + 1);
    return next === child ? container : { ...container, [seg]: next };
  }
  if (!Array.isArray(container)) return container;
  const at = seg < 0 ? container.length + seg : seg;
  if (at < 0 || at >= container.length) return container;
  if (last) return (container as readonly unknown[]).filter((_, j) => j !== at);
  const child = position(container, at);
  const next = removeIn(child, segments, i + 1);
  if (next === child) return container;
  const copy = (container as readonly unknown[]).slice();
  copy[at] = next;
  return copy;
}
