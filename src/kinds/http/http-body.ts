import type { Frame } from '../../sdk/codec-api.js';
import type { ConnectorContext, SourceStream } from '../../sdk/connector-api.js';
import { reason } from '../../sdk/errors.js';
import type { TremoloEvent } from '../../sdk/event.js';
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
  readonly body: Buffer;
  /** The Content-Type to send, when the body was written by a codec claiming a mime type. */
  readonly contentType: string | undefined;
}

/**
 * An event's data as a body: by the codec claiming `mime` when there is one, else by the connector's
 * codec and postprocessors (their state keyed by `key`, one body each). `undefined` when it could
 * not be encoded; the event has then gone to `err` (ERR_CODEC_ENCODE or ERR_PROCESSOR_FAILED).
 */
export function encodeBody(ctx: ConnectorContext, event: TremoloEvent, key: number, mime: string | undefined): EncodedBody | undefined {
  const codec = mime === undefined ? undefined : ctx.codecForMime(mime);
  if (codec !== undefined) {
    const base = mimeBase(mime!);
    let frame: Frame;
    try {
      frame = codec.encode(event.data, event.meta);
    } catch (err) {
      ctx.fail(event, 'ERR_CODEC_ENCODE', `${ctx.alias}: cannot encode the body as ${base}: ${reason(err)}`);
      return undefined;
    }
    return { body: toBuffer(frame), contentType: typeof frame === 'string' && base.startsWith('text/') ? `${base}; charset=utf-8` : base };
  }
  const frames = ctx.serialize(event, key);
  const rest = ctx.endSinkStream(key);
  if (frames === undefined) return undefined;
  // The connector's own codec names the Content-Type when it claims a mime type (json does).
  const own = ctx.codecMimeTypes[0];
  const contentType = own !== undefined && own.startsWith('text/') ? `${own}; charset=utf-8` : own;
  return { body: Buffer.concat([...frames, ...rest].map(toBuffer)), contentType };
}
