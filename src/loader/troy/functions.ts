import { TroyError, unsupported, type Place } from '../../lang/troy/errors.js';

/**
 * Tremor's standard library functions that have a counterpart in tremolo's expression language.
 * Each entry turns the translated arguments (tremolo expression text) into the translated call.
 * A name missing here is refused where it is written, rather than guessed at.
 */
type Translation = (args: readonly string[]) => string;

const call =
  (name: string): Translation =>
  (args) =>
    `${name}(${args.join(', ')})`;
const typeIs =
  (name: string): Translation =>
  ([x]) =>
    `(type(${x}) == ${JSON.stringify(name)})`;
const scaled =
  (factor: number): Translation =>
  ([x]) =>
    `(${x} * ${factor})`;
const isEmpty: Translation = ([x]) => `(length(${x}) == 0)`;

const FUNCTIONS: ReadonlyMap<string, { readonly arity: number | readonly [number, number]; readonly translate: Translation }> = new Map(
  Object.entries({
    'string::lowercase': { arity: 1, translate: call('lowercase') },
    'string::uppercase': { arity: 1, translate: call('uppercase') },
    'string::trim': { arity: 1, translate: call('trim') },
    'string::len': { arity: 1, translate: call('length') },
    'string::is_empty': { arity: 1, translate: isEmpty },
    'string::contains': { arity: 2, translate: call('contains') },
    'string::starts_with': { arity: 2, translate: call('starts_with') },
    'string::ends_with': { arity: 2, translate: call('ends_with') },
    'string::split': { arity: 2, translate: call('split') },
    'string::replace': { arity: 3, translate: call('replace') },
    'string::substr': { arity: 3, translate: call('substr') },
    'string::format': { arity: [1, Infinity] as const, translate: call('format') },
    'string::from_utf8_lossy': { arity: 1, translate: call('string') },
    'array::len': { arity: 1, translate: call('length') },
    'array::is_empty': { arity: 1, translate: isEmpty },
    'array::contains': { arity: 2, translate: call('contains') },
    'array::join': { arity: 2, translate: call('join') },
    'array::push': { arity: 2, translate: ([a, v]) => `(${a} + [${v}])` },
    'array::sort': { arity: 1, translate: call('sort') },
    'path::try_default': { arity: 3, translate: call('path::try_default') },
    'string::into_binary': { arity: 1, translate: call('bytes') },
    'array::concatenate': { arity: 2, translate: ([a, b]) => `(${a} + ${b})` },
    'record::keys': { arity: 1, translate: call('keys') },
    'record::values': { arity: 1, translate: call('values') },
    'record::len': { arity: 1, translate: call('length') },
    'record::is_empty': { arity: 1, translate: isEmpty },
    'record::contains': { arity: 2, translate: ([r, k]) => `(${k} in ${r})` },
    'type::is_null': { arity: 1, translate: call('is_null') },
    'type::is_string': { arity: 1, translate: typeIs('string') },
    'type::is_number': { arity: 1, translate: typeIs('number') },
    'type::is_bool': { arity: 1, translate: typeIs('bool') },
    'type::is_array': { arity: 1, translate: typeIs('array') },
    'type::is_record': { arity: 1, translate: typeIs('record') },
    'type::is_binary': { arity: 1, translate: typeIs('bytes') },
    'json::decode': { arity: 1, translate: call('json::decode') },
    'json::encode': { arity: 1, translate: call('json::encode') },
    'base64::encode': { arity: 1, translate: call('base64::encode') },
    'base64::decode': { arity: 1, translate: call('base64::decode') },
    'math::floor': { arity: 1, translate: call('floor') },
    'math::ceil': { arity: 1, translate: call('ceil') },
    'math::round': { arity: 1, translate: call('round') },
    'math::trunc': { arity: 1, translate: call('int') },
    'math::max': { arity: 2, translate: call('max') },
    'math::min': { arity: 2, translate: call('min') },
    'nanos::from_nanos': { arity: 1, translate: ([x]) => x! },
    'nanos::from_micros': { arity: 1, translate: scaled(1e3) },
    'nanos::from_millis': { arity: 1, translate: scaled(1e6) },
    'nanos::from_seconds': { arity: 1, translate: scaled(1e9) },
    'nanos::from_minutes': { arity: 1, translate: scaled(60e9) },
    'nanos::from_hours': { arity: 1, translate: scaled(3600e9) },
    'nanos::from_days': { arity: 1, translate: scaled(86400e9) },
    'system::nanotime': { arity: 0, translate: () => 'now()' },
  }),
);

/** `std::string::lowercase`, `string::lowercase` and (after `use std::time::nanos`) `nanos::from_seconds` alike. */
export function resolveFunction(module: readonly string[], name: string): string {
  let path = [...module];
  if (path[0] === 'std' || path[0] === 'tremor') path = path.slice(1);
  if (path[0] === 'time' && path[1] === 'nanos') path = path.slice(1);
  return [...path, name].join('::');
}

export const isAggregateName = (canonical: string): boolean => canonical.startsWith('aggr::');

/** The translated call, or a refusal naming the function. */
export function translateCall(canonical: string, args: readonly string[], at: Place): string {
  const fn = FUNCTIONS.get(canonical);
  if (fn === undefined) throw unsupported(at, `${canonical}(...)`, 'this function has no counterpart in tremolo\'s expressions yet');
  const [min, max] = typeof fn.arity === 'number' ? [fn.arity, fn.arity] : fn.arity;
  if (args.length < min || args.length > max) {
    const takes = min === max ? `${min} argument${min === 1 ? '' : 's'}` : `at least ${min}`;
    throw new TroyError('ERR_FLOW_INVALID', at, `${canonical} takes ${takes}, got ${args.length}`);
  }
  return fn.translate(args);
}
