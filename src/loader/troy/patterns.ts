import type { Pattern, RecordPattern } from '../../lang/troy/ast.js';
import { member } from './expr-text.js';
import type { Translator } from './translate-expr.js';

/**
 * A `case` pattern as a condition on the match target (expression text). Supported: a value
 * (`case "exit"`: equal to it), `_`, record patterns `%{ present a, b == 1, c ~= %{ ... } }` (a
 * record whose fields pass every test; a compared field must be there), and `name = pattern`,
 * which binds the target to `name` for the guard and the body.
 */
export function patternCondition(target: string, pattern: Pattern, translator: Translator, bound: Map<string, string>): string {
  switch (pattern.kind) {
    case 'any':
      return 'true';
    case 'expr':
      return `(${target} == ${translator.expr(pattern.expr)})`;
    case 'assign':
      bound.set(pattern.name, target);
      return patternCondition(target, pattern.pattern, translator, bound);
    case 'record':
      return recordCondition(target, pattern, translator);
  }
}

function recordCondition(target: string, pattern: RecordPattern, translator: Translator): string {
  const tests = [`(type(${target}) == "record")`];
  for (const field of pattern.fields) {
    const has = `(${JSON.stringify(field.key)} in ${target})`;
    const value = member(target, field.key);
    switch (field.kind) {
      case 'present':
        tests.push(has);
        break;
      case 'absent':
        tests.push(`(not ${has})`);
        break;
      case 'compare':
        tests.push(has, `(${value} ${field.op} ${translator.expr(field.value)})`);
        break;
      case 'record':
        tests.push(has, recordCondition(value, field.pattern, translator));
        break;
    }
  }
  const unique = [...new Set(tests)];
  return unique.length === 1 ? unique[0]! : `(${unique.join(' and ')})`;
}
