import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { makeCertificate } from '../../../support/certs.js';
import { until } from '../../../support/sockets.js';
import { tmpDir } from '../../../support/tmp.js';
import { NatsServer } from './nats-server.js';

const tmp = tmpDir();
const cert = makeCertificate(tmp.dir);

const test = suite<{ nats?: NatsServer; flow?: TestFlow }>('nats credentials', {});
test.after.each(async (ctx) => {
  await ctx.flow?.stop();
  await ctx.nats?.stop();
  ctx.flow = undefined;
});

const roundTrip = async (flow: TestFlow): Promise<void> => {
  await flow.waitConnected('sub');
  await flow.waitConnected('pub');
  flow.send('pub', 'in', 'let me in');
  assert.is((await flow.next('sub', 'out', { timeout: 2000 })).data, 'let me in');
};
const pair = (url: string, auth: Record<string, unknown>) =>
  startFlow({
    connectors: {
      sub: { type: 'nats_subscriber', codec: 'string', config: { servers: url, subject: 'private', ...auth } },
      pub: { type: 'nats_publisher', codec: 'string', config: { servers: url, subject: 'private', ...auth } },
    },
  });

test('user and pass log in to a server that requires them', async (ctx) => {
  ctx.nats = await NatsServer.start(['--user', 'ann', '--pass', 's3cret']);
  ctx.flow = await pair(ctx.nats.url, { user: 'ann', pass: 's3cret' });
  await roundTrip(ctx.flow);
});

test('a token logs in to a server that requires it', async (ctx) => {
  ctx.nats = await NatsServer.start(['--auth', 'tok3n']);
  ctx.flow = await pair(ctx.nats.url, { token: 'tok3n' });
  await roundTrip(ctx.flow);
});

test('tls with a cafile talks to a server that requires TLS; a missing certificate file fails the start', async (ctx) => {
  ctx.nats = await NatsServer.start(['--tls', '--tlscert', cert.cert, '--tlskey', cert.key]);
  ctx.flow = await pair(ctx.nats.url.replace('nats://', 'tls://'), { tls: { cafile: cert.cert } });
  await roundTrip(ctx.flow);
  const err = await pair(ctx.nats.url, { tls: { cafile: `${tmp.dir}/missing.pem` } }).then(
    () => undefined,
    (e: { code?: string; message: string }) => e,
  );
  assert.is(err?.code, 'ERR_BIND_FAILED');
  assert.match(err!.message, `cannot read tls.cafile "${tmp.dir}/missing.pem": no such file`);
});

test('a wrong password fails the connection, which is logged, and the connector stays disconnected', async (ctx) => {
  ctx.nats = await NatsServer.start(['--user', 'ann', '--pass', 's3cret']);
  ctx.flow = await startFlow({
    connectors: { pub: { type: 'nats_publisher', codec: 'string', config: { servers: ctx.nats.url, subject: 'private', user: 'ann', pass: 'wrong' } } },
  });
  const pub = ctx.flow.flow.connector('pub');
  await until(() => pub.connectivity === 'failed', () => `the connector to give up (state ${pub.connectivity})`, 3000);
  ctx.flow.send('pub', 'in', 'let me in');
  const err = (await ctx.flow.next('pub', 'err', { timeout: 2000 })).data as { code: string; error: string };
  assert.is(err.code, 'ERR_NOT_CONNECTED');
  assert.is(err.error, 'pub: not connected (gave up reconnecting); event not sent');
});

test('user without pass, or a token with a user, is a load-time error', async () => {
  const problems = async (config: Record<string, unknown>): Promise<string> => {
    const err = await startFlow({ connectors: { pub: { type: 'nats_publisher', codec: 'string', config: { servers: 'nats://127.0.0.1:4222', subject: 's', ...config } } } }).then(
      () => undefined,
      (e: { code?: string; message: string }) => e,
    );
    assert.is(err?.code, 'ERR_CONFIG_INVALID');
    return err!.message;
  };
  assert.match(await problems({ user: 'ann' }), 'connectors.pub.config.pass: user and pass go together; received only one of them');
  assert.match(await problems({ user: 'ann', pass: 'x', token: 't' }), 'connectors.pub.config.token: expected either token or user and pass, received both');
  assert.match(await problems({ servers: 'http://x:1' }), 'connectors.pub.config.servers: expected nats://host:port, received "http://x:1"');
  assert.match(await problems({ subject: 'a.*' }), 'connectors.pub.config.subject: expected tokens separated by dots, without wildcards or spaces, received "a.*"');
});

test.after(() => tmp.cleanup());

test.run();
