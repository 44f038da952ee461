/**
 * Ditto's placeholders in RQL. On the property side (`eq(topic:action,"modified")`) any of the
 * prefixes below; on the value side only `time:` (`gt(_modified,time:now)`), as in Ditto's grammar.
 * Their values come from `RqlContext.placeholders`, keyed by the full name (`"topic:action"`);
 * `time:now` and `time:now_epoch_millis` fall back to the clock when the context has none.
 */

/** Known names per prefix; `undefined` means any name (headers). */
const PROPERTY_PLACEHOLDERS: ReadonlyMap<string, readonly string[] | undefined> = new Map<string, readonly string[] | undefined>([
  ['topic', ['full', 'namespace', 'entityName', 'group', 'channel', 'criterion', 'action', 'subject']],
  ['resource', ['type', 'path']],
  ['time', ['now', 'now_epoch_millis']],
  ['thing', ['id', 'namespace', 'name']],
  ['feature', ['id']],
  ['policy', ['id']],
  ['entity', ['id', 'namespace', 'name']],
  ['request', ['subjectId']],
  ['header', undefined],
]);

export const VALUE_PLACEHOLDERS: readonly string[] = ['time:now', 'time:now_epoch_millis'];

/**
 * Whether `text` names a placeholder: its canonical name (header names lowercased, as Ditto's
 * headers are case-insensitive), an error message when the prefix is known but the name is not, or
 * undefined when it is an ordinary property (a JSON key may hold a colon).
 */
export function propertyPlaceholder(text: string): { name: string } | { problem: string } | undefined {
  const colon = text.indexOf(':');
  if (colon <= 0 || text.includes('/')) return undefined;
  const prefix = text.slice(0, colon);
  if (!PROPERTY_PLACEHOLDERS.has(prefix)) return undefined;
  const names = PROPERTY_PLACEHOLDERS.get(prefix);
  const name = text.slice(colon + 1);
  if (names === undefined) return name === '' ? { problem: `${prefix}: needs a name` } : { name: `${prefix}:${name.toLowerCase()}` };
  if (names.includes(name)) return { name: text };
  return { problem: `${prefix}: takes ${names.join(', ')}` };
}

export type Placeholders = Readonly<Record<string, unknown>> | undefined;

/** Reads a placeholder; `missing` when the context does not give it (and it is not a clock). */
export function placeholderReader(name: string, missing: unknown): (placeholders: Placeholders) => unknown {
  const clock = name === 'time:now' ? () => new Date().toISOString() : name === 'time:now_epoch_millis' ? () => Date.now() : undefined;
  return (placeholders) => {
    const value = placeholders === undefined || !Object.hasOwn(placeholders, name) ? undefined : placeholders[name];
    if (value !== undefined) return value;
    return clock === undefined ? missing : clock();
  };
}
