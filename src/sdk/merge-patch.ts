import { defineKey, isRecord } from './values.js';

/**
 * JSON Merge Patch (RFC 7396) of `patch` onto `target`, copy-on-write: neither is changed, and
 * records the patch does not touch are shared with the target. A record patch merges key by key
 * (a null removes the key, a record merges recursively, anything else replaces); any other patch
 * (an array, a scalar, null) replaces the target whole. `undefined` reads as absent, as everywhere.
 * A key of a record is data: `__proto__` becomes an own field, never the prototype.
 */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return patch;
  const base: Readonly<Record<string, unknown>> = isRecord(target) ? target : {};
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(base)) {
    if (base[key] !== undefined) defineKey(out, key, base[key]);
  }
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === undefined) continue;
    if (value === null) delete out[key];
    else defineKey(out, key, mergePatch(Object.hasOwn(base, key) ? base[key] : undefined, value));
  }
  return out;
}
