import type { Extractor, Pattern, RecordPattern } from '../../lang/troy/ast.js';
import { compileDissect } from '../../lang/expr/dissect.js';
import { TroyError, unsupported } from '../../lang/troy/errors.js';
import { member } from './expr-text.js';
import type { Translator } from './translate-expr.js';

/**
 * A `case` pattern as a condition on the match target (expression text). Supported: a value
 * (`case "exit"`: equal to it), `_`, record patterns `%{ present a, b == 1, c ~= %{ ... } }` (a
 * record whose fields pass every test; a compared field must be there), extractors
 * (`case ~ glob|a*|`, `%{ msg ~= dissect|%{a} %{b}| }`: the text fits the pattern), and
 * `name = pattern`, which binds the target to `name` for the guard and the body; as in Tremor,
 * a field an extractor tests is bound as what the extractor took out of it.
 */
export function patternCondition(target: string, pattern: Pattern, translator: Translator, bound: Map<string, string>): string {
  switch (pattern.kind) {
    case 'any':
      return 'true';
    case 'expr':
      return `(${target} == ${translator.expr(pattern.expr)})`;
    case 'assign':
      bound.set(pattern.name, patternValue(target, pattern.pattern));
      return patternCondition(target, pattern.pattern, translator, bound);
    case 'record':
      return recordCondition(target, pattern, translator);
    case 'extract':
      return extractor(pattern.extractor).test(target);
  }
}

interface Extraction {
  /** A condition: the text fits. */
  test(target: string): string;
  /** What the extractor takes out of text that fits. */
  value(target: string): string;
}

const isText = (target: string): string => `(type(${target}) == "string")`;
const KNOWN = 'base64, dissect, glob, json, re';
/** A record no JSON text is expected to hold: it tells the text `null` from text that is not JSON. */
const NOT_JSON = JSON.stringify({ 'tremolo: not json': true });

/** Tremor's extractor as tremolo's extraction functions; its pattern is checked now, where it is written. */
function extractor(x: Extractor): Extraction {
  const pattern = JSON.stringify(x.pattern);
  switch (x.name) {
    case 'dissect': {
      const compiled = compileDissect(x.pattern);
      if (typeof compiled === 'string') throw new TroyError('ERR_FLOW_INVALID', x.at, `invalid dissect pattern ${pattern}: ${compiled}`);
      return { test: (t) => `(${isText(t)} and (dissect(${t}, ${pattern}) != null))`, value: (t) => `dissect(${t}, ${pattern})` };
    }
    case 'glob':
      return { test: (t) => `(${isText(t)} and glob(${t}, ${pattern}))`, value: (t) => t };
    case 're': {
      // Rust's named groups `(?P<name>...)` are JavaScript's `(?<name>...)`.
      const source = x.pattern.replaceAll('(?P<', '(?<');
      try {
        new RegExp(source);
      } catch (err) {
        throw new TroyError('ERR_FLOW_INVALID', x.at, `invalid regex ${pattern}: ${(err as Error).message}`);
      }
      const re = JSON.stringify(source);
      return { test: (t) => `(${isText(t)} and (captures(${t}, ${re}) != null))`, value: (t) => `captures(${t}, ${re})` };
    }
    case 'json':
      return { test: (t) => `(${isText(t)} and (try(json::decode(${t}), ${NOT_JSON}) != ${NOT_JSON}))`, value: (t) => `json::decode(${t})` };
    case 'base64':
      return { test: (t) => `(${isText(t)} and (try(base64::decode(${t}), null) != null))`, value: (t) => `string(base64::decode(${t}))` };
    default:
      throw unsupported(x.at, x.text, `the ${x.name} extractor has no counterpart in tremolo yet; extractors tremolo has: ${KNOWN}`);
  }
}

/** What a name bound to a pattern reads: the target, with what extractors took out in place of their text. */
function patternValue(target: string, pattern: Pattern): string {
  switch (pattern.kind) {
    case 'extract':
      return extractor(pattern.extractor).value(target);
    case 'assign':
      return patternValue(target, pattern.pattern);
    case 'record': {
      const changes: string[] = [];
      for (const field of pattern.fields) {
        const value = member(target, field.key);
        if (field.kind === 'extract') changes.push(`${JSON.stringify(field.key)}: ${extractor(field.extractor).value(value)}`);
        if (field.kind === 'record') {
          const inner = patternValue(value, field.pattern);
          if (inner !== value) changes.push(`${JSON.stringify(field.key)}: ${inner}`);
        }
      }
      return changes.length === 0 ? target : `merge(${target}, {${changes.join(', ')}})`;
    }
    default:
      return target;
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
      case 'extract':
        tests.push(has, extractor(field.extractor).test(value));
        break;
    }
  }
  const unique = [...new Set(tests)];
  return unique.length === 1 ? unique[0]! : `(${unique.join(' and ')})`;
}
