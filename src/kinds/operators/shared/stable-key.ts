/**
 * A Map key for a value, equal for values the expression language calls equal (`==` is deep:
 * record key order ignored, `1 == 1n`, bytes by content). Scalars are their own key, so the
 * common cases (a string, a number) cost no allocation; records, arrays and bytes become a
 * canonical text behind a marker that no plain string key can carry.
 */
export type StableKey = string | number | boolean | bigint | null;

const MARK = '\u0001';

export function stableKey(value: unknown): StableKey {
  switch (typeof value) {
    case 'string':
      // A string that happens to start with the marker is quoted, so it cannot pose as a record.
      return value.charCodeAt(0) === 1 ? `${MARK}${JSON.stringify(value)}` : value;
    case 'number':
      return value;
    case 'bigint':
      return bigintKey(value);
    case 'boolean':
      return value;
    case 'object':
      return value === null ? null : `${MARK}${canonical(value)}`;
    default:
      return null;
  }
}

// Map keys compare by SameValueZero, where 1 and 1n differ: a bigint that a number holds exactly is
// keyed as that number.
function bigintKey(value: bigint): number | bigint {
  const n = Number(value);
  return BigInt(n) === value ? n : value;
}

function canonical(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return String(value);
    case 'bigint':
      return String(bigintKey(value));
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
      if (value instanceof Uint8Array) return `b${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64')}`;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((k) => record[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`).join(',')}}`;
    }
    default:
      return 'null';
  }
}
