/**
 * The `thingsdb_answer` operator: the last step of a pipeline that answers the QUERY and RUN
 * requests of a thingsdb_endpoint. An event arrives with the request's metadata (`meta.thingsdb.id`
 * and the connection's `meta.ws_server`): its data becomes a RES_DATA payload, or, when
 * `meta.thingsdb.type` is 19 (RES_ERROR), its `{error_code, error_msg}` a RES_ERROR one. With
 * `failures`, every event is a pipeline's `err` event about a request and is answered -6 (internal
 * error) with its message, so that no client waits for an answer that will not come.
 */
import { z } from 'zod';
import { defineOperator, deriveEvent, perEvent } from 'tremolo';
import { encodePayload, ErrorCode, packageMeta, PackageType } from './thingsdb-protocol.js';

interface RequestMeta {
  readonly id?: unknown;
  readonly type?: unknown;
  /** The data is already the MessagePack payload (an answerer that packs its own values). */
  readonly packed?: unknown;
}

const isErrorPayload = (v: unknown): v is { error_code: number; error_msg: string } =>
  typeof v === 'object' && v !== null && Number.isInteger((v as { error_code?: unknown }).error_code) && typeof (v as { error_msg?: unknown }).error_msg === 'string';

export default defineOperator({
  name: 'thingsdb_answer',
  description: 'Turns answers to thingsdb_endpoint requests into RES_DATA (or, for meta.thingsdb.type 19, RES_ERROR) packages for the ws_server.',
  config: z.strictObject({
    failures: z.boolean().default(false).describe('every event is an err event about a request: answer it with error -6 and its message'),
  }),
  create({ failures }, ctx) {
    return perEvent(ctx, (event, emit) => {
      const request = (event.meta.thingsdb ?? {}) as RequestMeta;
      const id = request.id;
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id > 0xffff) {
        throw new Error(`no request to answer: meta.thingsdb.id must be a package id, got ${JSON.stringify(id)}`);
      }
      let type: number = PackageType.RES_DATA;
      let value: unknown = event.data;
      if (failures) {
        type = PackageType.RES_ERROR;
        const why = (event.data as { error?: unknown } | null)?.error;
        value = { error_code: ErrorCode.INTERNAL, error_msg: typeof why === 'string' ? why : 'the request failed in the pipeline' };
      } else if (request.type === PackageType.RES_ERROR) {
        if (!isErrorPayload(value)) throw new Error('an error answer (meta.thingsdb.type 19) needs data {error_code, error_msg}');
        type = PackageType.RES_ERROR;
        value = { error_code: value.error_code, error_msg: value.error_msg };
      }
      let payload: Buffer;
      if (request.packed === true && type === PackageType.RES_DATA && Buffer.isBuffer(value)) payload = value;
      else {
        try {
          // A RES_DATA always carries a value: nothing is nil.
          payload = encodePayload(value === undefined ? null : value);
        } catch (err) {
          type = PackageType.RES_ERROR;
          payload = encodePayload({ error_code: ErrorCode.INTERNAL, error_msg: `the answer cannot be packed: ${err instanceof Error ? err.message : String(err)}` });
        }
      }
      emit(deriveEvent(event, payload, packageMeta(id, type, event.meta)));
    });
  },
});
