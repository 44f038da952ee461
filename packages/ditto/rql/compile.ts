import type { Operand, Property, Query } from './ast.js';
import { equals, equalsTest, holds, isEmpty, order, orderTest, type Test } from './compare.js';
import { likePattern } from './like.js';
import { placeholderReader, type Placeholders } from './placeholders.js';
import { MISSING, pointerGetter } from './pointer.js';

/** A compiled query: one closure per node, plain synchronous calls, nothing allocated per call. */
export type Predicate = (value: unknown, placeholders: Placeholders) => boolean;

type Getter = (value: unknown, placeholders: Placeholders) => unknown;

export function compileQuery(query: Query): Predicate {
  switch (query.kind) {
    case 'compare':
      return comparison(query.op, getter(query.property), query.operand);
    case 'like': {
      const read = getter(query.property);
      const re = likePattern(query.pattern, query.op === 'ilike');
      return (value, ph) => {
        const actual = read(value, ph);
        return typeof actual === 'string' && re.test(actual);
      };
    }
    case 'in': {
      const read = getter(query.property);
      const tests = query.operands.map(operandTest);
      const n = tests.length;
      return (value, ph) => {
        const actual = read(value, ph);
        if (actual === MISSING) return false;
        for (let i = 0; i < n; i++) if (tests[i]!(actual, ph)) return true;
        return false;
      };
    }
    case 'exists': {
      const read = getter(query.property);
      return (value, ph) => read(value, ph) !== MISSING;
    }
    case 'empty': {
      const read = getter(query.property);
      return (value, ph) => isEmpty(read(value, ph));
    }
    case 'and':
      return all(query.queries.map(compileQuery));
    case 'or':
      return any(query.queries.map(compileQuery));
    case 'not': {
      const inner = compileQuery(query.query);
      return (value, ph) => !inner(value, ph);
    }
  }
}

function getter(property: Property): Getter {
  if (property.kind === 'placeholder') {
    const read = placeholderReader(property.name, MISSING);
    return (_value, ph) => read(ph);
  }
  return pointerGetter(property.segments);
}

/** `eq` against one operand, for `in`: a fixed literal, or a placeholder read at evaluation. */
function operandTest(operand: Operand): (actual: unknown, placeholders: Placeholders) => boolean {
  if (operand.kind === 'literal') return equalsTest(operand.value);
  const read = placeholderReader(operand.name, MISSING);
  return (actual, ph) => equals(actual, read(ph));
}

function comparison(op: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le', read: Getter, operand: Operand): Predicate {
  if (operand.kind === 'literal') {
    const literal = operand.value;
    let test: Test;
    if (op === 'eq' || op === 'ne') test = equalsTest(literal);
    // The parser refuses null for orderings.
    else test = orderTest(op, literal as string | number | bigint | boolean);
    if (op === 'ne') {
      return (value, ph) => {
        const actual = read(value, ph);
        return actual !== MISSING && !test(actual);
      };
    }
    return (value, ph) => test(read(value, ph));
  }
  const other = placeholderReader(operand.name, MISSING);
  switch (op) {
    case 'eq':
      return (value, ph) => equals(read(value, ph), other(ph));
    case 'ne':
      return (value, ph) => {
        const actual = read(value, ph);
        return actual !== MISSING && !equals(actual, other(ph));
      };
    default:
      return (value, ph) => holds(op, order(read(value, ph), other(ph)));
  }
}

function all(predicates: Predicate[]): Predicate {
  if (predicates.length === 1) return predicates[0]!;
  if (predicates.length === 2) {
    const [a, b] = predicates as [Predicate, Predicate];
    return (value, ph) => a(value, ph) && b(value, ph);
  }
  if (predicates.length === 3) {
    const [a, b, c] = predicates as [Predicate, Predicate, Predicate];
    return (value, ph) => a(value, ph) && b(value, ph) && c(value, ph);
  }
  const n = predicates.length;
  return (value, ph) => {
    for (let i = 0; i < n; i++) if (!predicates[i]!(value, ph)) return false;
    return true;
  };
}

function any(predicates: Predicate[]): Predicate {
  if (predicates.length === 1) return predicates[0]!;
  if (predicates.length === 2) {
    const [a, b] = predicates as [Predicate, Predicate];
    return (value, ph) => a(value, ph) || b(value, ph);
  }
  if (predicates.length === 3) {
    const [a, b, c] = predicates as [Predicate, Predicate, Predicate];
    return (value, ph) => a(value, ph) || b(value, ph) || c(value, ph);
  }
  const n = predicates.length;
  return (value, ph) => {
    for (let i = 0; i < n; i++) if (predicates[i]!(value, ph)) return true;
    return false;
  };
}
