import type { Evaluator } from './api.js';
import type { BinaryOp } from './ast.js';
import type { Compiled } from './compiled.js';
import { evalError } from './errors.js';
import { arithmetic, membership, negate, ordering, regexMatch, type OrderingOp } from './operators.js';
import { RegexCache } from './regex-cache.js';
import { condition, deepEqual, inText, typeName } from './values.js';

/**
 * The closures of the operators. Each inlines the common case (two numbers, a boolean condition, a
 * comparison with a literal) and leaves everything else to `operators.ts`, so the hot path is a
 * couple of `typeof` checks and no allocation.
 */

export function negateClosure(operand: Evaluator, text: string): Evaluator {
  return (ctx) => {
    const v = operand(ctx);
    return typeof v === 'number' ? -v : negate(v, text);
  };
}

export function notClosure(operand: Evaluator, text: string): Evaluator {
  return (ctx) => {
    const v = operand(ctx);
    if (v === false || v === null) return true;
    return v === true ? false : !condition(v, 'the operand of "not"', text);
  };
}

export function andClosure(left: Evaluator, right: Evaluator, text: string): Evaluator {
  return (ctx) => {
    const a = left(ctx);
    if (a !== true && !condition(a, 'the left side of "and"', text)) return false;
    const b = right(ctx);
    return b === true || condition(b, 'the right side of "and"', text);
  };
}

export function orClosure(left: Evaluator, right: Evaluator, text: string): Evaluator {
  return (ctx) => {
    const a = left(ctx);
    if (a === true || condition(a, 'the left side of "or"', text)) return true;
    const b = right(ctx);
    return b === true || condition(b, 'the right side of "or"', text);
  };
}

export function conditionalClosure(test: Evaluator, then: Evaluator, otherwise: Evaluator, text: string): Evaluator {
  return (ctx) => {
    const t = test(ctx);
    return t === true || condition(t, 'the condition of "?:"', text) ? then(ctx) : otherwise(ctx);
  };
}

/** A literal that `===` compares exactly as deep equality would. */
const isPlainScalar = (v: unknown): boolean => typeof v === 'string' || typeof v === 'boolean' || v === null;

function equality(l: Compiled, r: Compiled): Evaluator {
  const known = r.known ?? l.known;
  const other = r.known !== undefined ? l.fn : r.fn;
  if (known !== undefined && isPlainScalar(known.value)) {
    const c = known.value;
    return (ctx) => other(ctx) === c;
  }
  if (known !== undefined && typeof known.value === 'number') {
    const c = known.value;
    const big = Number.isInteger(c) ? BigInt(c) : undefined;
    return (ctx) => {
      const v = other(ctx);
      return v === c || (typeof v === 'bigint' && v === big);
    };
  }
  const lf = l.fn;
  const rf = r.fn;
  return (ctx) => deepEqual(lf(ctx), rf(ctx));
}

function inClosure(l: Compiled, r: Compiled, text: string): Evaluator {
  const lf = l.fn;
  const list = r.known?.value;
  // `x in ["a", "b", 3]`: a set lookup, as long as every element is a scalar that `===` can compare.
  if (Array.isArray(list) && list.every((x) => isPlainScalar(x) || typeof x === 'number')) {
    const set = new Set<unknown>(list);
    return (ctx) => {
      const v = lf(ctx);
      return typeof v === 'bigint' ? membership(v, list, text) : set.has(v);
    };
  }
  const rf = r.fn;
  return (ctx) => membership(lf(ctx), rf(ctx), text);
}

function matchClosure(l: Compiled, right: Compiled | RegExp, text: string): Evaluator {
  const lf = l.fn;
  if (right instanceof RegExp) {
    return (ctx) => {
      const v = lf(ctx);
      return typeof v === 'string' ? right.test(v) : regexMatch(v, right, text);
    };
  }
  const rf = right.fn;
  const cache = new RegexCache(text);
  return (ctx) => {
    const v = lf(ctx);
    const p = rf(ctx);
    if (typeof p !== 'string') throw evalError(`"~=" needs a regex or a string pattern on the right, got ${typeName(p)} ${inText(text)}`);
    return regexMatch(v, cache.get(p), text);
  };
}

/** `x > 2`, the usual shape, compares with the constant directly; the general case reads both sides. */
function orderingClosure(op: OrderingOp, l: Compiled, r: Compiled, text: string): Evaluator {
  const lf = l.fn;
  const rf = r.fn;
  const c = r.known?.value;
  if (typeof c === 'number') {
    switch (op) {
      case '<':
        return (ctx) => {
          const a = lf(ctx);
          return typeof a === 'number' ? a < c : ordering(op, a, c, text);
        };
      case '<=':
        return (ctx) => {
          const a = lf(ctx);
          return typeof a === 'number' ? a <= c : ordering(op, a, c, text);
        };
      case '>':
        return (ctx) => {
          const a = lf(ctx);
          return typeof a === 'number' ? a > c : ordering(op, a, c, text);
        };
      case '>=':
        return (ctx) => {
          const a = lf(ctx);
          return typeof a === 'number' ? a >= c : ordering(op, a, c, text);
        };
    }
  }
  switch (op) {
    case '<':
      return (ctx) => {
        const a = lf(ctx);
        const b = rf(ctx);
        return typeof a === 'number' && typeof b === 'number' ? a < b : ordering(op, a, b, text);
      };
    case '<=':
      return (ctx) => {
        const a = lf(ctx);
        const b = rf(ctx);
        return typeof a === 'number' && typeof b === 'number' ? a <= b : ordering(op, a, b, text);
      };
    case '>':
      return (ctx) => {
        const a = lf(ctx);
        const b = rf(ctx);
        return typeof a === 'number' && typeof b === 'number' ? a > b : ordering(op, a, b, text);
      };
    case '>=':
      return (ctx) => {
        const a = lf(ctx);
        const b = rf(ctx);
        return typeof a === 'number' && typeof b === 'number' ? a >= b : ordering(op, a, b, text);
      };
  }
}

/** `right` is a RegExp only for `~=` with a regex literal. */
export function binaryClosure(op: BinaryOp, l: Compiled, right: Compiled | RegExp, text: string): Evaluator {
  if (op === '~=') return matchClosure(l, right, text);
  const r = right as Compiled;
  const lf = l.fn;
  const rf = r.fn;
  switch (op) {
    case '==':
      return equality(l, r);
    case '!=': {
      const eq = equality(l, r);
      return (ctx) => !(eq(ctx) as boolean);
    }
    case 'in':
      return inClosure(l, r, text);
    case '<':
    case '<=':
    case '>':
    case '>=':
      return orderingClosure(op, l, r, text);
    case '+':
      return (ctx) => {
        const a = lf(ctx);
        const b = rf(ctx);
        return typeof a === 'number' && typeof b === 'number' ? a + b : arithmetic(op, a, b, text);
      };
    case '-':
      return (ctx) => {
        const a = lf(ctx);
        const b = rf(ctx);
        return typeof a === 'number' && typeof b === 'number' ? a - b : arithmetic(op, a, b, text);
      };
    case '*':
      return (ctx) => {
        const a = lf(ctx);
        const b = rf(ctx);
        return typeof a === 'number' && typeof b === 'number' ? a * b : arithmetic(op, a, b, text);
      };
    case '/':
      return (ctx) => {
        const a = lf(ctx);
        const b = rf(ctx);
        return typeof a === 'number' && typeof b === 'number' && b !== 0 ? a / b : arithmetic(op, a, b, text);
      };
    case '%':
      return (ctx) => {
        const a = lf(ctx);
        const b = rf(ctx);
        return typeof a === 'number' && typeof b === 'number' && b !== 0 ? a % b : arithmetic(op, a, b, text);
      };
  }
}
