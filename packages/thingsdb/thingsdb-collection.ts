/**
 * The `thingsdb_collection` operator, the example answerer of a thingsdb_endpoint: collections
 * queried with a part of ThingsDB's language (packages/thingsdb/thingsdb-code.ts), and procedures.
 * A request `{query, scope, vars?}` runs its code; `{run, scope, args}` calls a procedure with args
 * by position (an array: missing ones are nil, extra ones ignored, as on the node) or by name (a
 * map). It works on the endpoint's own store (`meta.thingsdb.store`, thingsdb-store.ts), so that
 * queries make rooms and collections the protocol side serves and emit to its connections; `data`
 * seeds it (a `#` key keeps a thing's id), `procedures` are callable in every collection. Without
 * an endpoint's store (events from elsewhere) it keeps one of its own. The answer keeps the
 * request's metadata; an error is answered with `meta.thingsdb.type` 19 and `{error_code,
 * error_msg}`, which thingsdb_answer turns into a RES_ERROR.
 * Loaded with `use: ['thingsdb-endpoint']` (packages/thingsdb/thingsdb-endpoint.ts).
 */
import { z } from 'zod';
import { defineOperator, deriveEvent, perEvent, type TremoloEvent } from 'tremolo';
import { runQuery, type Answer, type CodeScope } from './thingsdb-code.js';
import { runProcedure } from './thingsdb-functions.js';
import { packValue } from './thingsdb-pack.js';
import { ErrorCode, PackageType, ThingsdbError } from './thingsdb-protocol.js';
import { parseScope } from './thingsdb-scope.js';
import { Store, storeOf } from './thingsdb-store.js';
import { Closure, fromPlain, type Value } from './thingsdb-values.js';

const Procedure = z.strictObject({
  params: z.array(z.string()).default([]).describe('argument names, in order'),
  code: z.string().describe('the code it runs, with its arguments as variables'),
});

interface Request {
  readonly query?: unknown;
  readonly run?: unknown;
  readonly scope?: unknown;
  readonly vars?: unknown;
  readonly args?: unknown;
}

const isRecord = (v: unknown): v is Record<string, Value> => typeof v === 'object' && v !== null && !Array.isArray(v) && !Buffer.isBuffer(v);

export default defineOperator({
  name: 'thingsdb_collection',
  description: 'An example answerer for thingsdb_endpoint: in-memory collections queried with a small part of ThingsDB’s language, and procedures.',
  config: z.strictObject({
    data: z.record(z.string(), z.record(z.string(), z.unknown())).default({}).describe('collection → its root thing’s properties at the start'),
    procedures: z.record(z.string(), Procedure).default({}).describe('name → { params, code }, callable with RUN in any collection'),
  }),
  create(config, ctx) {
    // Procedures from the config, as closures: `code` is the body, `params` its arguments.
    const configured = new Map(Object.entries(config.procedures).map(([name, p]) => [name, new Closure(p.params, p.code, `|${p.params.join(', ')}| ${p.code}`)]));
    const own = new Store(Object.keys(config.data));
    const owner = {};

    const answer = (request: Request, handle: unknown): Answer => {
      const store = storeOf(handle) ?? own;
      if (store.seed(owner, config.data)) for (const [name, closure] of configured) if (!store.shared.has(name)) store.shared.set(name, closure);
      const scope = parseScope(String(request.scope));
      const root = scope.kind === 'collection' ? store.add(scope.name).root : undefined;
      const base: CodeScope = { root, vars: {}, node: { store, scope } };
      if (typeof request.query === 'string') return runQuery(request.query, { ...base, vars: isRecord(request.vars) ? (fromPlain(request.vars) as Record<string, Value>) : {} });
      if (typeof request.run !== 'string') throw new ThingsdbError(ErrorCode.BAD_DATA, 'expecting a request {query, scope, vars} or {run, scope, args}');
      const name = request.run;
      const args = request.args ?? [];
      const positional = (params: readonly string[]): Value[] => {
        if (Array.isArray(args)) return args.map(fromPlain);
        if (isRecord(args)) return params.map((p) => fromPlain(Object.hasOwn(args, p) ? args[p] : null));
        throw new ThingsdbError(ErrorCode.TYPE_ERROR, `the arguments of procedure \`${name}\` must be a list or a thing`);
      };
      return runProcedure(name, (params) => positional(params), base);
    };

    const failed = (event: TremoloEvent, err: ThingsdbError): TremoloEvent => {
      const request = (event.meta.thingsdb ?? {}) as Record<string, unknown>;
      return deriveEvent(event, err.payload, { ...event.meta, thingsdb: { ...request, type: PackageType.RES_ERROR } });
    };

    return perEvent(ctx, (event, emit) => {
      try {
        // Packed here, where ints and floats are still told apart; thingsdb_answer sends it as is.
        const request = (event.meta.thingsdb ?? {}) as Record<string, unknown>;
        const { value, deep, noIds } = answer((event.data ?? {}) as Request, request.store);
        emit(deriveEvent(event, packValue(value, deep, noIds === true), { ...event.meta, thingsdb: { ...request, packed: true } }));
      } catch (err) {
        if (!(err instanceof ThingsdbError)) throw err;
        emit(failed(event, err));
      }
    });
  },
});
