import { compile, type Expression } from '../../lang/expr/index.js';
import { reason } from '../../sdk/errors.js';
import type { TremoloEvent } from '../../sdk/event.js';

/** A token of a subject one publishes to: no wildcards, no whitespace, not empty. */
const PUBLISH_SUBJECT = /^[^\s.*>]+(?:\.[^\s.*>]+)*$/;
/** A subject one subscribes to: `*` for one token, `>` for the rest. */
const SUBSCRIBE_SUBJECT = /^(?:[^\s.*>]+|\*)(?:\.(?:[^\s.*>]+|\*))*(?:\.>)?$|^>$/;

export const checkSubscribeSubject = (s: string): string | undefined =>
  SUBSCRIBE_SUBJECT.test(s) ? undefined : `expected tokens separated by dots (\`*\` for one token, \`>\` last for the rest), received ${JSON.stringify(s)}`;

type Part = string | Expression;

/**
 * A subject with `${...}` holes, each an expression of the event (`event.room`, `$.nats.subject`),
 * compiled once. The hole ends at the first `}` outside a string literal, so record literals do
 * not fit in one (nor are they needed: a hole must give a string or a number).
 */
export class SubjectTemplate {
  readonly #parts: Part[];
  readonly constant: string | undefined;

  private constructor(readonly source: string, parts: Part[]) {
    this.#parts = parts;
    this.constant = parts.every((p) => typeof p === 'string') ? parts.join('') : undefined;
  }

  /** Throws (a syntax error with its place) for a template that cannot be compiled. */
  static compile(source: string): SubjectTemplate {
    const parts: Part[] = [];
    let text = '';
    let i = 0;
    while (i < source.length) {
      if (source.startsWith('${', i)) {
        const end = closing(source, i + 2);
        if (end < 0) throw new Error(`unclosed "\${" at ${i}`);
        if (text !== '') parts.push(text);
        text = '';
        const expr = source.slice(i + 2, end);
        try {
          parts.push(compile(expr));
        } catch (err) {
          throw new Error(`in "\${${expr}}" at ${i}: ${reason(err)}`);
        }
        i = end + 1;
      } else text += source[i++];
    }
    if (text !== '') parts.push(text);
    const t = new SubjectTemplate(source, parts);
    if (t.constant !== undefined && !PUBLISH_SUBJECT.test(t.constant)) throw new Error(`expected tokens separated by dots, without wildcards or spaces, received ${JSON.stringify(source)}`);
    return t;
  }

  /** The subject for this event, or an error text saying what was received. */
  render(event: TremoloEvent, args: Readonly<Record<string, unknown>> = {}): { subject: string } | { error: string } {
    if (this.constant !== undefined) return { subject: this.constant };
    let out = '';
    for (const p of this.#parts) {
      if (typeof p === 'string') {
        out += p;
        continue;
      }
      let v: unknown;
      try {
        v = p.evaluate({ event: event.data, meta: event.meta, args });
      } catch (err) {
        return { error: `subject ${JSON.stringify(this.source)}: ${reason(err)}` };
      }
      if (typeof v !== 'string' && typeof v !== 'number') return { error: `subject ${JSON.stringify(this.source)}: \${${p.source}} is ${JSON.stringify(v ?? null)}; expected a string or a number` };
      out += String(v);
    }
    if (!PUBLISH_SUBJECT.test(out)) return { error: `subject ${JSON.stringify(this.source)} gave ${JSON.stringify(out)}; expected tokens separated by dots, without wildcards or spaces` };
    return { subject: out };
  }
}

function closing(s: string, from: number): number {
  let quote: string | undefined;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (quote !== undefined) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '}') return i;
  }
  return -1;
}
