/**
 * Ditto JSON pointers (`attributes/location`, `features/temp/properties/value`, `thingId`) resolved
 * in a value. The result is the value found, or `MISSING` when the path leads nowhere: RQL tells an
 * absent property (`exists` is false) from a present null (`eq(p,null)` is true).
 */

// Names some data object inherits (`length`, `toString`, `__proto__`...), and positions: reading
// them needs the own-property check. Any other key can be read directly, because a data object that
// lacks it gives undefined.
const INHERITED: ReadonlySet<string> = new Set(
  [Object.prototype, Array.prototype, Uint8Array.prototype, Object.getPrototypeOf(Uint8Array.prototype) as object, Buffer.prototype].flatMap((proto) =>
    Object.getOwnPropertyNames(proto),
  ),
);
const needsOwnCheck = (key: string): boolean => INHERITED.has(key) || /^\d/.test(key);

export const MISSING: unique symbol = Symbol('missing');

/** Splits a property into keys: one leading `/` is optional, empty levels are ignored (as in Ditto), `~1` is `/` and `~0` is `~`. */
export function pointerSegments(text: string): string[] {
  return text
    .split('/')
    .filter((s) => s !== '')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

type Bag = Readonly<Record<string, unknown>>;
type Step = (current: unknown) => unknown;

const CANONICAL_INDEX = /^(0|[1-9][0-9]{0,8})$/;
const isObject = (o: unknown): o is Bag => typeof o === 'object' && o !== null;

/**
 * One level down, for the keys that need care: array elements by canonical index only (`0`, `12`,
 * not `012`; bytes count as an array of numbers), and names some data object inherits (`length`,
 * `toString`, `__proto__`) by own property only, so that JavaScript's members never read as data.
 */
function carefulStep(key: string): Step {
  const index = CANONICAL_INDEX.test(key) ? Number(key) : -1;
  return (current) => {
    if (!isObject(current)) return MISSING;
    let found: unknown;
    if (Array.isArray(current) || current instanceof Uint8Array) found = index < 0 ? undefined : current[index];
    else found = Object.hasOwn(current, key) ? current[key] : undefined;
    return found === undefined ? MISSING : found;
  };
}

/**
 * A getter for the pointer's keys, compiled once: no allocation per call. Any other key is read
 * directly: a data object that lacks it gives undefined, so no own-property check is needed, and
 * paths of up to four keys (Ditto's `features/F/properties/P`) are one closure with no loop.
 */
export function pointerGetter(segments: readonly string[]): (value: unknown) => unknown {
  if (segments.some(needsOwnCheck)) {
    const steps = segments.map(carefulStep);
    const n = steps.length;
    return (value) => {
      let current: unknown = value === undefined ? MISSING : value;
      for (let i = 0; i < n && current !== MISSING; i++) current = steps[i]!(current);
      return current;
    };
  }
  const [k1, k2, k3, k4] = segments as readonly [string, string, string, string];
  switch (segments.length) {
    case 0:
      return (value) => (value === undefined ? MISSING : value);
    case 1:
      return (o) => {
        const v = isObject(o) ? o[k1] : undefined;
        return v === undefined ? MISSING : v;
      };
    case 2:
      return (o) => {
        if (!isObject(o)) return MISSING;
        const o1 = o[k1];
        const v = isObject(o1) ? o1[k2] : undefined;
        return v === undefined ? MISSING : v;
      };
    case 3:
      return (o) => {
        if (!isObject(o)) return MISSING;
        const o1 = o[k1];
        if (!isObject(o1)) return MISSING;
        const o2 = o1[k2];
        const v = isObject(o2) ? o2[k3] : undefined;
        return v === undefined ? MISSING : v;
      };
    case 4:
      return (o) => {
        if (!isObject(o)) return MISSING;
        const o1 = o[k1];
        if (!isObject(o1)) return MISSING;
        const o2 = o1[k2];
        if (!isObject(o2)) return MISSING;
        const o3 = o2[k3];
        const v = isObject(o3) ? o3[k4] : undefined;
        return v === undefined ? MISSING : v;
      };
    default: {
      const n = segments.length;
      return (o) => {
        let v: unknown = o;
        for (let i = 0; i < n; i++) {
          if (!isObject(v)) return MISSING;
          v = v[segments[i]!];
        }
        return v === undefined ? MISSING : v;
      };
    }
  }
}
