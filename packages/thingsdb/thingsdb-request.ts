/**
 * The requests a thingsdb_client takes, as event data, and the packages they become:
 * `{query, scope?, vars?}` → REQ_QUERY `[scope, query, vars?]`; `{run, scope?, args?}` → REQ_RUN
 * `[scope, run, args]` (args a list or a map, default []); `{emit, room, scope?, args?, peer?}` →
 * REQ_EMIT (REQ_EMIT_PEER with `peer: true`) `[scope, room id, emit, ...args]`, the room given by
 * id or by the name it was joined by. A missing scope is the client's own.
 */
import { PackageType } from './thingsdb-protocol.js';

export type Request =
  | { readonly kind: 'query'; readonly type: number; readonly scope: string; readonly items: readonly unknown[] }
  | { readonly kind: 'emit'; readonly type: number; readonly scope: string; readonly room: string | number; readonly event: string; readonly args: readonly unknown[] };

const KEYS = {
  query: ['query', 'scope', 'vars'],
  run: ['run', 'scope', 'args'],
  emit: ['emit', 'room', 'scope', 'args', 'peer'],
} as const;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);

/** The request an event's data asks for, or why it is none. */
export function parseRequest(data: unknown, defaultScope: string): Request | string {
  if (!isRecord(data)) return `expected a request {query, scope?, vars?}, {run, scope?, args?} or {emit, room, scope?, args?, peer?}, got ${describe(data)}`;
  const kind = (['query', 'run', 'emit'] as const).find((k) => k in data);
  if (kind === undefined) return `expected a request with one of query, run or emit, got keys ${Object.keys(data).join(', ') || '(none)'}`;
  const unknown = Object.keys(data).filter((k) => !(KEYS[kind] as readonly string[]).includes(k));
  if (unknown.length > 0) return `a ${kind} request has no ${unknown.map((k) => JSON.stringify(k)).join(', ')}; its keys: ${KEYS[kind].join(', ')}`;
  const scope = data.scope ?? defaultScope;
  if (typeof scope !== 'string') return `scope must be a string, got ${describe(scope)}`;
  const what = data[kind];
  if (typeof what !== 'string') return `${kind} must be a string, got ${describe(what)}`;
  switch (kind) {
    case 'query': {
      if (data.vars !== undefined && !isRecord(data.vars)) return `vars must be a map, got ${describe(data.vars)}`;
      return { kind: 'query', type: PackageType.REQ_QUERY, scope, items: data.vars === undefined ? [what] : [what, data.vars] };
    }
    case 'run': {
      const args = data.args ?? [];
      if (!Array.isArray(args) && !isRecord(args)) return `args must be a list or a map, got ${describe(args)}`;
      return { kind: 'query', type: PackageType.REQ_RUN, scope, items: [what, args] };
    }
    case 'emit': {
      const { room, args = [], peer = false } = data;
      if (typeof room !== 'string' && !(typeof room === 'number' && Number.isSafeInteger(room) && room >= 0)) return `room must be a room id or a room name, got ${describe(room)}`;
      if (!Array.isArray(args)) return `args must be a list, got ${describe(args)}`;
      if (typeof peer !== 'boolean') return `peer must be true or false, got ${describe(peer)}`;
      return { kind: 'emit', type: peer ? PackageType.REQ_EMIT_PEER : PackageType.REQ_EMIT, scope, room, event: what, args };
    }
  }
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (Buffer.isBuffer(v)) return 'bytes';
  if (typeof v === 'object') return 'a map';
  return typeof v === 'string' ? `the string ${JSON.stringify(v)}` : `${typeof v} ${String(v)}`;
}
