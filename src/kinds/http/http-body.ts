import type { Frame } from '../../sdk/codec-api.js';
import type { ConnectorContext, SourceStream } from '../../sdk/connector-api.js';
import { reason } from '../../sdk/errors.js';
import { batchParts, type TremoloEvent } from '../../sdk/event.js';
import { mimeBase } from './http-headers.js';

/**
 * HTTP bodies and codecs, shared by http_server and http_client. A body whose Content-Type a codec
 * of the flow claims is decoded or encoded by that codec alone; any other body goes through the
 * connector's own codec with its pre- or postprocessors (they belong to that codec).
 */

const toBuffer = (frame: Frame): Buffer => (typeof frame === 'string' ? Buffer.from(frame) : frame);

/** Whether some codec of the flow claims this mime type. */
export const claimed = (ctx: ConnectorContext, mime: string | undefined): mime is string =>
  mime !== undefined && ctx.codecForMime(mime) !== undefined;

/**
 * A body as the next event of `stream`. Empty is `null`, as in Tremor (a GET has no body, and the
 * pipeline still sees the request). Returns the reason when the codec (a claiming one, or the
 * connector's own) refused the body; the stream has then emitted an `err` event with an excerpt.
 */
export function pushBody(ctx: ConnectorContext, stream: SourceStream, body: Buffer, contentType: string | undefined, what: string): string | undefined {
  if (body.length === 0) {
    stream.pushValue(null);
    return undefined;
  }
  const codec = contentType === undefined ? undefined : ctx.codecForMime(contentType);
  if (codec === undefined) {
    // The connector's own codec and preprocessors: what they refuse is answered too.
    return stream.push(body);
  }
  let value: unknown;
  try {
    value = codec.decode(body, stream.meta);
  } catch (err) {
    const why = `cannot decode the body as ${mimeBase(contentType!)}: ${reason(err)}`;
    stream.error('ERR_CODEC_DECODE', `${what}: ${why}`, body);
    return why;
  }
  // "Nothing here" (a blank JSON body) is still a request or response the pipeline must see.
  stream.pushValue(value === undefined ? null : value);
  return undefined;
}

export interface EncodedBody {
  /**
   * The body in the pieces it was written in, none empty: each event's frames in turn (a batch's
   * events one after the other). A body sent with `transfer-encoding: chunked` sends each as a chunk.
   */
  readonly chunks: readonly Buffer[];
  readonly length: number;
  /** The Content-Type to send, when the body was written by a codec claiming a mime type. */
  readonly contentType: string | undefined;
}

/**
 * An event's data as a body: by the codec claiming `mime` when there is one (with no `mime`, the
 * `*\/*` codec of mime_mapping when `wildcard` names the type to label it with), else by the
 * connector's codec and postprocessors (their state keyed by `key`, one body each). A batch
 * (`batchParts`) is each of its events encoded on its own, in order, as Tremor writes a batch.
 * `undefined` when it could not be encoded; the event (or the batch's event the codec refused)
 * has then gone to `err` (ERR_CODEC_ENCODE or ERR_PROCESSOR_FAILED), and nothing is to be sent.
 * A caller that has split the batch already passes its `parts`: building them copies every event.
 */
export function encodeBody(
  ctx: ConnectorContext,
  event: TremoloEvent,
  key: number,
  mime: string | undefined,
  wildcard?: string,
  parts: readonly TremoloEvent[] = batchParts(event) ?? [event],
): EncodedBody | undefined {
  const label = mime ?? wildcard;
  const codec = mime !== undefined ? ctx.codecForMime(mime) : wildcard !== undefined ? ctx.codecForMime('*/*') : undefined;
  const chunks: Buffer[] = [];
  let length = 0;
  const add = (frame: Frame): void => {
    const chunk = toBuffer(frame);
    // An empty chunk would end a chunked body early.
    if (chunk.length === 0) return;
    chunks.push(chunk);
    length += chunk.length;
  };
  if (codec !== undefined) {
    const base = mimeBase(label!);
    let text = true;
    for (const part of parts) {
      let frame: Frame;
      try {
        frame = codec.encode(part.data, part.meta);
      } catch (err) {
        ctx.fail(part, 'ERR_CODEC_ENCODE', `${ctx.alias}: cannot encode the body as ${base}: ${reason(err)}`);
        return undefined;
      }
      if (typeof frame !== 'string') text = false;
      add(frame);
    }
    return { chunks, length, contentType: text && base.startsWith('text/') ? `${base}; charset=utf-8` : base };
  }
  for (const part of parts) {
    const frames = ctx.serialize(part, key);
    if (frames === undefined) {
      ctx.endSinkStream(key);
      return undefined;
    }
    frames.forEach(add);
  }
  ctx.endSinkStream(key).forEach(add);
  // The connector's own codec names the Content-Type when it claims a mime type (json does).
  const own = ctx.codecMimeTypes[0];
  const contentType = own !== undefined && own.startsWith('text/') ? `${own}; charset=utf-8` : own;
  return { chunks, length, contentType };
}
