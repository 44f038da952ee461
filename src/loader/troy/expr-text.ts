import { describePlace, type Place } from '../../lang/troy/errors.js';

/** Small builders of tremolo expression text, shared by the translators. */

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `.name`, or `["odd name"]`. */
export const member = (base: string, key: string): string => (NAME.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`);

/**
 * A value as an expression literal: JSON is valid expression syntax. JSON.stringify escapes every
 * control character, which is what keeps strict-sites.ts's markers out of user strings.
 */
export const literal = (value: unknown): string => JSON.stringify(value) ?? 'null';

/**
 * An expression that fails when it is evaluated, for Tremor's runtime errors such as "no case
 * matched": tremolo has no `error()` function, but a failed conversion sends the event to `err`
 * with this text in the reason, as Tremor does.
 */
export const failure = (at: Place, what: string): string => `number(${JSON.stringify(`${what} (${describePlace(at)})`)})`;
