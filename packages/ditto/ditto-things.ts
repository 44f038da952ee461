/**
 * Twin commands on a thing, as Ditto answers them: create / modify / merge / retrieve / delete on
 * the thing or any path inside it (attributes, features, their properties), with Ditto's statuses,
 * error codes and the event each change produces. Pure: the stored thing in, the outcome out; the
 * operator (packages/ditto/ditto-operator.ts) reads and writes the kv store around it.
 */
import type { DittoError, Json } from './ditto-protocol.js';
import { isRecord } from './ditto-protocol.js';

/** What the kv store holds per thing id. */
export interface Stored {
  readonly thing: Json;
  readonly revision: number;
}

export interface TwinCommand {
  readonly thingId: string;
  readonly action: string;
  readonly path: string;
  readonly value: unknown;
  /** Lowercased. */
  readonly headers: Json;
}

export interface Outcome {
  readonly status: number;
  readonly value?: unknown;
  readonly error?: DittoError;
  /** The new state to store: a thing, or null to delete it; absent: no change. */
  readonly store?: Stored | null;
  readonly event?: { readonly action: 'created' | 'modified' | 'merged' | 'deleted'; readonly path: string; readonly value?: unknown; readonly revision: number };
}

export const ACTIONS = ['create', 'modify', 'merge', 'retrieve', 'delete'] as const;

export function segmentsOf(path: string): string[] {
  return path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** The value at a path, or undefined. */
export function valueAt(root: unknown, segments: readonly string[]): unknown {
  let current = root;
  for (const s of segments) {
    if (!isRecord(current) || !Object.hasOwn(current, s)) return undefined;
    current = current[s];
  }
  return current;
}

/** RFC 7396: null removes, records merge, anything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isRecord(patch)) return patch;
  const out: Json = isRecord(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** A copy of `root` with `value` at the path (undefined removes), creating records on the way. */
function setAt(root: Json, segments: readonly string[], value: unknown): Json {
  const [head, ...rest] = segments;
  const out: Json = { ...root };
  if (rest.length === 0) {
    if (value === undefined) delete out[head!];
    else out[head!] = value;
  } else out[head!] = setAt(isRecord(root[head!]) ? (root[head!] as Json) : {}, rest, value);
  return out;
}

/** Ditto's not-found error for a path of a thing. */
export function notFound(thingId: string, segments: readonly string[]): DittoError {
  const [top, id, sub, ...rest] = segments;
  const check = 'Check if the ID of your requested Thing was correct and you have sufficient permissions.';
  const gone = (error: string, what: string): DittoError => ({ status: 404, error, message: `${what} of the Thing with ID '${thingId}' could not be found or the requester had insufficient permissions to access it.`, description: check });
  if (top === undefined) return { status: 404, error: 'things:thing.notfound', message: `The Thing with ID '${thingId}' could not be found or requester had insufficient permissions to access it.`, description: check };
  if (top === 'attributes') return id === undefined ? gone('things:attributes.notfound', 'The Attributes') : gone('things:attribute.notfound', `The attribute with key '${segments.slice(1).join('/')}'`);
  if (top === 'features') {
    if (id === undefined) return gone('things:features.notfound', 'The Features');
    if (sub === 'properties') return rest.length === 0 ? gone('things:feature.properties.notfound', `The Properties of the Feature with ID '${id}'`) : gone('things:feature.property.notfound', `The Property with JSON Pointer '/${rest.join('/')}' of the Feature with ID '${id}'`);
    if (sub === undefined) return gone('things:feature.notfound', `The Feature with ID '${id}'`);
  }
  return gone('things:path.notfound', `The path '/${segments.join('/')}'`);
}

const etag = (stored: Stored | null): string | undefined => (stored === null ? undefined : `"rev:${stored.revision}"`);

/** If-Match / If-None-Match against the thing's revision ("rev:N"); * means "exists". */
function precondition(cmd: TwinCommand, stored: Stored | null, exists: boolean): Outcome | undefined {
  const tag = etag(stored);
  const ifMatch = cmd.headers['if-match'];
  if (typeof ifMatch === 'string') {
    const tags = ifMatch.split(',').map((t) => t.trim());
    const ok = exists && (tags.includes('*') || (tag !== undefined && tags.includes(tag)));
    if (!ok) return failed('if-match', ifMatch);
  }
  const ifNone = cmd.headers['if-none-match'];
  if (typeof ifNone === 'string') {
    const tags = ifNone.split(',').map((t) => t.trim());
    const hit = exists && (tags.includes('*') || (tag !== undefined && tags.includes(tag)));
    if (hit) return cmd.action === 'retrieve' ? { status: 304 } : failed('if-none-match', ifNone);
  }
  return undefined;
}

const failed = (header: string, value: string): Outcome => ({
  status: 412,
  error: {
    status: 412,
    error: 'things:precondition.failed',
    message: `The comparison of precondition header '${header}' for the requested Thing resource evaluated to false. Header value: '${value}'.`,
    description: `The comparison of the provided precondition header '${header}' with the current ETag value of the requested Thing resource evaluated to false. Check the value of your conditional header value.`,
  },
});

const error = (e: DittoError): Outcome => ({ status: e.status, error: e });

export function applyCommand(stored: Stored | null, cmd: TwinCommand): Outcome {
  const segments = segmentsOf(cmd.path);
  const current = stored === null ? undefined : segments.length === 0 ? stored.thing : valueAt(stored.thing, segments);
  const pre = precondition(cmd, stored, current !== undefined);
  if (pre !== undefined) return pre;
  const revision = (stored?.revision ?? 0) + 1;

  if (cmd.action === 'retrieve') {
    if (current === undefined) return error(notFound(cmd.thingId, stored === null ? [] : segments));
    return { status: 200, value: current };
  }

  if (segments.length === 0 && (cmd.action === 'create' || cmd.action === 'modify')) {
    if (!isRecord(cmd.value)) return error({ status: 400, error: 'json.format.invalid', message: `A Thing must be a JSON object, received ${JSON.stringify(cmd.value) ?? 'nothing'}.`, description: 'Send the Thing as the value.' });
    if (cmd.value.thingId !== undefined && cmd.value.thingId !== cmd.thingId) {
      return error({ status: 400, error: 'things:id.notsettable', message: `The Thing ID in the value ('${String(cmd.value.thingId)}') differs from the one in the topic ('${cmd.thingId}').`, description: 'Either delete the Thing ID from the value or make it match the topic.' });
    }
    if (cmd.action === 'create' && stored !== null) {
      return error({ status: 409, error: 'things:thing.conflict', message: `The Thing with ID '${cmd.thingId}' already exists.`, description: 'Choose another Thing ID.' });
    }
    const thing: Json = { thingId: cmd.thingId, policyId: cmd.thingId, ...cmd.value };
    if (stored === null) return { status: 201, value: thing, store: { thing, revision }, event: { action: 'created', path: '/', value: thing, revision } };
    return { status: 204, store: { thing, revision }, event: { action: 'modified', path: '/', value: thing, revision } };
  }
  if (cmd.action === 'create') return error({ status: 400, error: 'things:path.invalid', message: `create takes the path "/", received '${cmd.path}'.`, description: 'Use modify for parts of a Thing.' });

  if (stored === null) return error(notFound(cmd.thingId, []));
  if (segments[0] === 'thingId') return error({ status: 400, error: 'things:id.notsettable', message: 'The Thing ID cannot be changed.', description: 'Create a new Thing instead.' });
  // A feature's properties can only be set on a feature that exists, as in Ditto.
  if (segments[0] === 'features' && segments.length > 2 && cmd.action !== 'delete' && valueAt(stored.thing, segments.slice(0, 2)) === undefined) {
    return error(notFound(cmd.thingId, segments.slice(0, 2)));
  }

  switch (cmd.action) {
    case 'modify': {
      const thing = setAt(stored.thing, segments, cmd.value);
      if (current === undefined) return { status: 201, value: cmd.value, store: { thing, revision }, event: { action: 'created', path: cmd.path, value: cmd.value, revision } };
      return { status: 204, store: { thing, revision }, event: { action: 'modified', path: cmd.path, value: cmd.value, revision } };
    }
    case 'merge': {
      const merged = mergePatch(segments.length === 0 ? stored.thing : current, cmd.value);
      if (segments.length === 0 && !isRecord(merged)) return error({ status: 400, error: 'json.format.invalid', message: 'A merge on the Thing needs a JSON object.', description: 'Send a JSON merge patch (RFC 7396).' });
      const thing = segments.length === 0 ? { ...(merged as Json), thingId: cmd.thingId } : setAt(stored.thing, segments, merged);
      return { status: 204, store: { thing, revision }, event: { action: 'merged', path: cmd.path, value: cmd.value, revision } };
    }
    case 'delete': {
      if (current === undefined) return error(notFound(cmd.thingId, segments));
      if (segments.length === 0) return { status: 204, store: null, event: { action: 'deleted', path: '/', revision } };
      return { status: 204, store: { thing: setAt(stored.thing, segments, undefined), revision }, event: { action: 'deleted', path: cmd.path, revision } };
    }
    default:
      return error({ status: 400, error: 'things.protocol.adapter:unknown.topicpath', message: `Unknown twin command '${cmd.action}'.`, description: `Use one of ${ACTIONS.join(', ')}.` });
  }
}

/** The changed part of a thing as a thing (what an event's filter sees): the value placed at its path. */
export function changedPart(thingId: string, path: string, value: unknown): Json {
  const segments = segmentsOf(path);
  if (segments.length === 0) return isRecord(value) ? { ...value, thingId } : { thingId };
  return { thingId, ...(value === undefined ? {} : setAt({}, segments, value)) };
}
