import { arr, str, wrongType, type FunctionSpec } from './call-site.js';
import { mergePatch } from '../../sdk/merge-patch.js';
import { compareUtf8 } from '../../sdk/utf8-order.js';
import { definedKeys, isBytes, isRecord, typeName, type TypeName } from './values.js';

/** Arrays and paths: sorting any values, reading a path that may not be there. */
/** Tremor's order of types: records first, then arrays, text (strings and bytes together), numbers, bools, null last. */
const RANK: Readonly<Record<TypeName, number>> = { record: 0, array: 1, string: 2, bytes: 2, number: 3, bool: 4, null: 5 };

const utf8 = (v: string | Uint8Array): Uint8Array => (typeof v === 'string' ? Buffer.from(v, 'utf8') : v);

/**
 * A total order over every value, so that any array sorts the same way each time; Tremor's, so that
 * `array::sort` gives what Tremor's tests expect: by type (records, arrays, strings and bytes,
 * numbers, bools, null), then records by their number of keys, then by their sorted keys, then by
 * their values in key order; arrays item by item; strings and bytes by their (UTF-8) bytes; numbers
 * by value; false before true.
 */
export function compareValues(a: unknown, b: unknown): number {
  const ta = typeName(a);
  const tb = typeName(b);
  if (RANK[ta] !== RANK[tb]) return RANK[ta] - RANK[tb];
  switch (ta) {
    case 'null':
      return 0;
    case 'bool':
      return Number(a) - Number(b);
    case 'number':
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
    case 'string':
    case 'bytes':
      if (typeof a === 'string' && typeof b === 'string') return compareUtf8(a, b);
      return Buffer.compare(utf8(a as string | Uint8Array), utf8(b as string | Uint8Array));
    case 'array':
      return compareLists(a as readonly unknown[], b as readonly unknown[]);
    case 'record': {
      const ra = a as Readonly<Record<string, unknown>>;
      const rb = b as Readonly<Record<string, unknown>>;
      const ka = definedKeys(ra).sort(compareValues);
      const kb = definedKeys(rb).sort(compareValues);
      if (ka.length !== kb.length) return ka.length - kb.length;
      const keys = compareLists(ka, kb);
      if (keys !== 0) return keys;
      for (const k of ka) {
        const c = compareValues(ra[k], rb[k]);
        if (c !== 0) return c;
      }
      return 0;
    }
  }
}

function compareLists(a: readonly unknown[], b: readonly unknown[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareValues(a[i], b[i]);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** `path::try_default(value, ["a", 0, "b"], fallback)`: what the path leads to, or the fallback where it leads nowhere. */
function tryPath(value: unknown, path: readonly unknown[], fallback: unknown): unknown {
  let at = value;
  for (const step of path) {
    if (typeof step === 'string' && isRecord(at) && Object.hasOwn(at, step) && at[step] !== undefined) at = at[step];
    else if (typeof step === 'number' && Array.isArray(at) && Number.isInteger(step) && step >= 0 && step < at.length) at = at[step];
    else return fallback;
  }
  return at;
}

export const COLLECTION_FUNCTIONS: readonly FunctionSpec[] = [
  { name: 'sort', aliases: ['array::sort'], params: ['array'], call: (site, a) => [...arr(site, 0, a)].sort(compareValues) },
  {
    name: 'path::try_default',
    params: ['value', 'path', 'fallback'],
    call: (site, v, path, fallback) => {
      const steps = arr(site, 1, path);
      steps.forEach((s, i) => {
        if (typeof s !== 'string' && typeof s !== 'number') throw wrongType(site, 1, `an array of keys and indexes (item ${i})`, s);
      });
      return tryPath(v, steps, fallback);
    },
  },
  { name: 'merge_patch', params: ['target', 'patch'], call: (_site, t, p) => mergePatch(t, p) },
  {
    name: 'bytes',
    aliases: ['string::into_binary'],
    params: ['s'],
    call: (site, s) => (isBytes(s) ? s : Buffer.from(str(site, 0, s), 'utf8')),
  },
];
