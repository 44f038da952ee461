import type { Msg, NatsConnection, Subscription } from 'nats';
import { z } from 'zod';
import { defineConnector, type SourceStream } from '../../sdk/connector-api.js';
import { headersToMeta, INSTANCE_HEADER, INSTANCE_ID } from './nats-headers.js';
import { NatsLink } from './nats-link.js';
import { checkConnection, connectionOptions, NatsConnectionSchema, serverList } from './nats-options.js';
import { checkSubscribeSubject } from './nats-subject.js';

const Config = z
  .strictObject({
    ...NatsConnectionSchema,
    subject: z.string().describe('what to subscribe to: `*` matches one token, `>` (last) the rest, e.g. "orders.>"'),
    queue: z.string().optional().describe('a queue group: each message goes to one subscriber of the group (across instances), not to all'),
    skip_own: z.boolean().default(false).describe('drop messages this process published (their Tremolo-Instance header is ours): for fan-out across instances that already delivered locally'),
  })
  .superRefine((c, ctx) => {
    checkConnection(c, (path, message) => ctx.addIssue({ code: 'custom', path: [path], message }));
    const bad = checkSubscribeSubject(c.subject);
    if (bad !== undefined) ctx.addIssue({ code: 'custom', path: ['subject'], message: bad });
  });

export const natsSubscriber = defineConnector({
  kind: 'nats_subscriber',
  description:
    'Subscribes to a NATS subject (optionally in a queue group) and emits each message through the codec, with its subject, reply subject and headers in metadata. The NATS client reconnects and resubscribes by itself. Core NATS cannot pause a subscription: a subscriber that falls far behind is cut off by the server (a slow consumer). With no servers it is off and emits nothing.',
  config: Config,
  codec: 'required',
  ports: { in: [], out: ['out', 'err'] },
  metadata:
    '`meta.nats = { subject, reply?, headers? }`; `reply` is set for a request: send the answer to a nats_publisher with this metadata and it goes to the requester.',
  // Both NATS kinds share `meta.nats`, so a subscriber's event carries its reply subject straight
  // to a publisher; hence no ctx.meta (which namespaces by kind).
  create(config, ctx) {
    if (serverList(config.servers).length === 0) {
      ctx.log.debug('no servers: off');
      return {};
    }
    let stream: SourceStream | undefined;
    let sub: Subscription | undefined;
    let received = 0;
    let skipped = 0;
    let options: Awaited<ReturnType<typeof connectionOptions>>;

    const onMessage = (msg: Msg): void => {
      if (config.skip_own && msg.headers?.get(INSTANCE_HEADER) === INSTANCE_ID) {
        skipped++;
        return;
      }
      received++;
      const headers = headersToMeta(msg.headers);
      const meta = {
        nats: {
          subject: msg.subject,
          ...(msg.reply === undefined || msg.reply === '' ? {} : { reply: msg.reply }),
          ...(headers === undefined ? {} : { headers }),
        },
      };
      stream!.push(Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength), meta);
    };
    // Connected means subscribed: the round trip of flush() tells the server has the subscription,
    // so what is published after it reaches this subscriber.
    const subscribe = async (nc: NatsConnection): Promise<void> => {
      stream?.end();
      stream = ctx.openStream({ nats: { subject: config.subject } });
      sub = nc.subscribe(config.subject, {
        ...(config.queue === undefined ? {} : { queue: config.queue }),
        callback: (err, msg) => {
          if (err !== null) ctx.log.warn(`subscription to ${JSON.stringify(config.subject)}: ${err.message}`);
          else onMessage(msg);
        },
      });
      await nc.flush();
    };
    const link = new NatsLink(ctx, () => options, subscribe);

    return {
      async start() {
        options = await connectionOptions(config, ctx.alias);
      },
      connect: () => link.connect(),
      status: () => ({ connected: link.up, ...(link.server === undefined ? {} : { server: link.server }), received, skipped_own: skipped }),
      quiesce() {
        sub?.unsubscribe();
        sub = undefined;
      },
      async stop() {
        await link.stop();
        stream?.end();
        stream = undefined;
      },
    };
  },
});

export type NatsSubscriberConfig = z.output<typeof Config>;
