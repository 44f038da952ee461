import type { Evaluator } from './api.js';
import { evalError } from './errors.js';
import { condition, definedKeys, inText, isRecord, typeName } from './values.js';

/**
 * The closure of a comprehension. The names it binds live in `ctx.locals`, at slots the compiler
 * gave this comprehension alone, so nested and sibling comprehensions never overwrite each other
 * and an evaluation allocates only the result (and, once per context, the slot array).
 */
export function forClosure(
  iterable: Evaluator,
  keySlot: number | undefined,
  valueSlot: number,
  filter: Evaluator | undefined,
  body: Evaluator,
  text: string,
): Evaluator {
  return (ctx) => {
    const source = iterable(ctx);
    const out: unknown[] = [];
    // A missing path is null, and there is nothing to iterate in it.
    if (source === null || source === undefined) return out;
    const locals = ctx.locals ?? (ctx.locals = []);
    if (Array.isArray(source)) {
      for (let i = 0; i < source.length; i++) {
        if (keySlot !== undefined) locals[keySlot] = i;
        locals[valueSlot] = source[i];
        if (filter === undefined || condition(filter(ctx), 'the "if" of a comprehension', text)) out.push(body(ctx));
      }
      return out;
    }
    if (isRecord(source)) {
      for (const key of definedKeys(source)) {
        if (keySlot !== undefined) locals[keySlot] = key;
        locals[valueSlot] = source[key];
        if (filter === undefined || condition(filter(ctx), 'the "if" of a comprehension', text)) out.push(body(ctx));
      }
      return out;
    }
    throw evalError(`a comprehension iterates over an array or a record, got ${typeName(source)} ${inText(text)}`);
  };
}
