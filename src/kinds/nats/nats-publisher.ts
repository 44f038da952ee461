import type { MsgHdrs, NatsError } from 'nats';
import { z } from 'zod';
import { defineConnector } from '../../sdk/connector-api.js';
import { reason, type ErrorCode } from '../../sdk/errors.js';
import type { TremoloEvent } from '../../sdk/event.js';
import { ReplyStreams } from '../../sdk/io/reply-streams.js';
import { buildHeaders, headersToMeta } from './nats-headers.js';
import { nats, NatsLink } from './nats-link.js';
import { checkConnection, connectionOptions, NatsConnectionSchema, serverList } from './nats-options.js';
import { SubjectTemplate } from './nats-subject.js';

const Config = z
  .strictObject({
    ...NatsConnectionSchema,
    subject: z.string().describe('where to publish; `${...}` holes are expressions of the event, e.g. "orders.${event.region}" (write `$${` in a flow file)'),
    headers: z.record(z.string(), z.string()).default({}).describe('headers added to every message (before the event’s meta.nats.headers)'),
    mode: z.enum(['publish', 'request']).default('publish').describe('publish and forget, or send a request and emit its reply on `out`'),
    request_timeout_ms: z.number().int().positive().default(5000).describe('request mode: a request without a reply within this goes to `err` (ERR_TIMEOUT)'),
  })
  .superRefine((c, ctx) => {
    checkConnection(c, (path, message) => ctx.addIssue({ code: 'custom', path: [path], message }));
    try {
      SubjectTemplate.compile(c.subject);
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['subject'], message: reason(err) });
    }
  });

interface NatsMetaIn {
  readonly reply?: unknown;
  readonly headers?: unknown;
}

export const natsPublisher = defineConnector({
  kind: 'nats_publisher',
  description:
    'Publishes each event to a NATS subject (a template of the event), with headers; or, in request mode, sends it as a request and emits the reply on `out` with the request’s metadata and origins, so it can go back to the connection that asked. The NATS client reconnects by itself; meanwhile the connector counts as disconnected and events wait in its queue. With no servers it is off and drops what it gets.',
  config: Config,
  codec: 'required',
  metadata:
    'On `in`: `meta.nats.headers` (a record of strings or lists of strings) are sent as headers, and an event with `meta.nats.reply` (from a nats_subscriber) is published to that subject instead: the answer to a request. Every message carries the header `Tremolo-Instance` naming this process. On `out` (request mode): the request’s metadata with `meta.nats = { subject, headers }` of the reply.',
  create(config, ctx) {
    if (serverList(config.servers).length === 0) {
      ctx.log.debug('no servers: off, events are dropped');
      return { write() {} };
    }
    const subject = SubjectTemplate.compile(config.subject);
    const link = new NatsLink(ctx, () => options);
    const replies = new ReplyStreams(ctx, ctx.meta({}));
    const fixedHeaders = buildHeaders(config.headers, undefined) as MsgHdrs;
    let options: Awaited<ReturnType<typeof connectionOptions>>;
    let inFlight = 0;
    const idle: (() => void)[] = [];

    // A publish is only on the bus once the server has read it: a transactional event is acked
    // after one round trip (flush), shared by every event published meanwhile, and failed if the
    // connection drops first (the client then discards what it had not sent).
    let pending: TremoloEvent[] = [];
    let flushing = false;
    const confirmAfterFlush = (event: TremoloEvent): void => {
      pending.push(event);
      if (flushing) return;
      flushing = true;
      const round = (): void => {
        const batch = pending;
        pending = [];
        const nc = link.connection;
        if (nc === undefined) {
          for (const e of batch) ctx.delivered(e, `${ctx.alias}: the connection dropped before the server confirmed the message`);
          flushing = false;
          return;
        }
        nc.flush().then(
          () => {
            for (const e of batch) ctx.delivered(e);
            if (pending.length > 0) round();
            else flushing = false;
          },
          (err: unknown) => {
            for (const e of batch) ctx.delivered(e, `${ctx.alias}: not confirmed by the server: ${reason(err)}`);
            if (pending.length > 0) round();
            else flushing = false;
          },
        );
      };
      queueMicrotask(round);
    };

    const request = (event: TremoloEvent, to: string, frame: Buffer | string, headers: MsgHdrs): void => {
      const nc = link.connection!;
      inFlight++;
      const done = (): void => {
        if (--inFlight === 0) for (const f of idle.splice(0)) f();
      };
      nc.request(to, frame, { timeout: config.request_timeout_ms, headers }).then(
        (msg) => {
          done();
          const h = headersToMeta(msg.headers);
          const meta = { ...event.meta, nats: { subject: to, ...(h === undefined ? {} : { headers: h }) } };
          replies.for(event.origins).push(Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength), meta);
          ctx.delivered(event);
        },
        (err: NatsError) => {
          done();
          const [code, why]: [ErrorCode, string] =
            err.code === nats().ErrorCode.NoResponders
              ? ['ERR_ROUTE_NO_TARGET', `no subscriber of ${JSON.stringify(to)} to answer the request (no responders)`]
              : err.code === nats().ErrorCode.Timeout
                ? ['ERR_TIMEOUT', `no reply from ${JSON.stringify(to)} within ${config.request_timeout_ms} ms (request_timeout_ms)`]
                : ['ERR_WRITE_FAILED', `request to ${JSON.stringify(to)} failed: ${err.message}`];
          ctx.fail(event, code, `${ctx.alias}: ${why}`);
        },
      );
    };

    return {
      async start() {
        options = await connectionOptions(config, ctx.alias);
      },
      confirmsDelivery: true,
      connect: () => link.connect(),
      status: () => ({ connected: link.up, ...(link.server === undefined ? {} : { server: link.server }), requests: inFlight }),
      write(event) {
        const nc = link.connection;
        if (nc === undefined) {
          ctx.fail(event, 'ERR_NOT_CONNECTED', `${ctx.alias}: not connected to NATS; event not sent`);
          return;
        }
        const nats = event.meta.nats as NatsMetaIn | undefined;
        const replyTo = typeof nats?.reply === 'string' && nats.reply !== '' ? nats.reply : undefined;
        let to: string;
        if (replyTo !== undefined) to = replyTo;
        else {
          const rendered = subject.render(event);
          if ('error' in rendered) {
            ctx.fail(event, 'ERR_EXPR_EVAL', `${ctx.alias}: ${rendered.error}`);
            return;
          }
          to = rendered.subject;
        }
        // Most events carry no headers of their own: those share one set, encoded by the client per message.
        const headers = nats?.headers === undefined ? fixedHeaders : buildHeaders(config.headers, nats.headers);
        if (typeof headers === 'string') {
          ctx.fail(event, 'ERR_WRITE_FAILED', `${ctx.alias}: ${headers}`);
          return;
        }
        const frames = ctx.serialize(event, 0);
        if (frames === undefined) return;
        if (config.mode === 'request' && replyTo === undefined) {
          for (const frame of frames) request(event, to, frame, headers);
          return;
        }
        try {
          for (const frame of frames) nc.publish(to, frame, { headers });
        } catch (err) {
          ctx.fail(event, 'ERR_WRITE_FAILED', `${ctx.alias}: cannot publish to ${JSON.stringify(to)}: ${reason(err)}`);
          return;
        }
        if (event.settle !== undefined) confirmAfterFlush(event);
      },
      originEnded: (origin) => replies.originEnded(origin),
      async flush() {
        if (inFlight > 0) await new Promise<void>((resolve) => idle.push(resolve));
        await link.flush();
      },
      stop: () => link.stop(),
    };
  },
});

export type NatsPublisherConfig = z.output<typeof Config>;
