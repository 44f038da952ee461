/**
 * The `thingsdb_collection` operator, the example answerer of a thingsdb_endpoint: collections held
 * in memory, each a root thing whose properties queries read and write, and procedures written in
 * the same small language (packages/thingsdb/thingsdb-code.ts). A request `{query, scope, vars?}` runs its
 * code; `{run, scope, args}` calls a procedure with args by position (an array) or by name (a map).
 * The answer keeps the request's metadata; an error is answered with `meta.thingsdb.type` 19 and
 * `{error_code, error_msg}`, which thingsdb_answer turns into a RES_ERROR.
 * Loaded with `use: ['thingsdb-endpoint']` (packages/thingsdb/thingsdb-endpoint.ts).
 */
import { z } from 'zod';
import { defineOperator, deriveEvent, perEvent, type TremoloEvent } from 'tremolo';
import { fromPlain, runCode, type Thing, type Value } from './thingsdb-code.js';
import { packValue } from './thingsdb-pack.js';
import { ErrorCode, PackageType, ThingsdbError } from './thingsdb-protocol.js';
import { parseScope } from './thingsdb-scope.js';

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

const isRecord = (v: unknown): v is Record<string, Value> => typeof v === 'object' && v !== null && !Array.isArray(v);
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export default defineOperator({
  name: 'thingsdb_collection',
  description: 'An example answerer for thingsdb_endpoint: in-memory collections queried with a small part of ThingsDB’s language, and procedures.',
  config: z.strictObject({
    data: z.record(z.string(), z.record(z.string(), z.unknown())).default({}).describe('collection → its root thing’s properties at the start'),
    procedures: z.record(z.string(), Procedure).default({}).describe('name → { params, code }, callable with RUN in any collection'),
  }),
  create(config, ctx) {
    const roots = new Map<string, Thing>(Object.entries(config.data).map(([name, props]) => [name, fromPlain(props) as Thing]));
    const rootOf = (name: string): Thing => {
      let root = roots.get(name);
      if (root === undefined) roots.set(name, (root = {}));
      return root;
    };

    const answer = (request: Request): Value => {
      const scope = parseScope(String(request.scope));
      const root = scope.kind === 'collection' ? rootOf(scope.name) : undefined;
      if (typeof request.query === 'string') return runCode(request.query, { root, vars: isRecord(request.vars) ? (fromPlain(request.vars) as Record<string, Value>) : {} });
      if (typeof request.run !== 'string') throw new ThingsdbError(ErrorCode.BAD_DATA, 'expecting a request {query, scope, vars} or {run, scope, args}');
      const name = request.run;
      const procedure = config.procedures[name];
      if (procedure === undefined) throw new ThingsdbError(ErrorCode.LOOKUP_ERROR, `procedure \`${name}\` not found`);
      const args = request.args ?? [];
      let vars: Record<string, Value>;
      if (Array.isArray(args)) {
        if (args.length !== procedure.params.length) {
          const given = args.length === 1 ? '1 was given' : `${args.length} were given`;
          throw new ThingsdbError(ErrorCode.NUM_ARGUMENTS, `procedure \`${name}\` takes ${plural(procedure.params.length, 'argument')} but ${given}`);
        }
        vars = Object.fromEntries(procedure.params.map((p, i) => [p, fromPlain(args[i])]));
      } else if (isRecord(args)) {
        vars = Object.fromEntries(procedure.params.map((p) => [p, fromPlain(args[p] ?? null)]));
      } else throw new ThingsdbError(ErrorCode.TYPE_ERROR, `the arguments of procedure \`${name}\` must be a list or a thing`);
      return runCode(procedure.code, { root, vars });
    };

    const failed = (event: TremoloEvent, err: ThingsdbError): TremoloEvent => {
      const request = (event.meta.thingsdb ?? {}) as Record<string, unknown>;
      return deriveEvent(event, err.payload, { ...event.meta, thingsdb: { ...request, type: PackageType.RES_ERROR } });
    };

    return perEvent(ctx, (event, emit) => {
      try {
        // Packed here, where ints and floats are still told apart; thingsdb_answer sends it as is.
        const request = (event.meta.thingsdb ?? {}) as Record<string, unknown>;
        emit(deriveEvent(event, packValue(answer((event.data ?? {}) as Request)), { ...event.meta, thingsdb: { ...request, packed: true } }));
      } catch (err) {
        if (!(err instanceof ThingsdbError)) throw err;
        emit(failed(event, err));
      }
    });
  },
});
