import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { HttpPeer } from '../../../support/http-peer.js';
import { rawRequest } from '../../../support/raw-http.js';

const test = suite<{ flow?: TestFlow; peer?: HttpPeer }>('http chunked');
test.after.each(async (ctx) => {
  await ctx.flow?.stop();
  await ctx.peer?.stop();
  ctx.flow = undefined;
  ctx.peer = undefined;
});

test('a response the flow sends with transfer-encoding: chunked is framed in chunks alone, with no content-length', async (ctx) => {
  ctx.flow = await startFlow({
    connectors: { api: { type: 'http_server', codec: 'string', config: { url: 'http://127.0.0.1:0' } } },
    pipelines: {
      chunked: {
        operators: { answer: { op: 'map', config: { meta: '{"http_server": {"request_id": $.http_server.request_id, "response": {"status": 200, "headers": {"transfer-encoding": "chunked", "content-type": "text/plain"}}}}' } } },
        links: [['in', 'answer'], ['answer/out', 'out']],
      },
    },
    links: [['api', 'chunked'], ['chunked', 'api']],
  });
  const port = Number(new URL(ctx.flow.address('api')).port);
  const reply = await rawRequest(port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\n12345\r\n0\r\n\r\n');
  assert.is(reply.status, 200, reply.text);
  assert.match(reply.text, /\r\ntransfer-encoding: chunked\r\n/i);
  assert.not.match(reply.text, /content-length/i);
  assert.is(reply.body, '5\r\n12345\r\n0\r\n\r\n');
});

test('a request the flow sends with transfer-encoding: chunked carries no content-length, and its body arrives whole', async (ctx) => {
  ctx.peer = await HttpPeer.start();
  ctx.flow = await startFlow({ connectors: { client: { type: 'http_client', codec: 'string', config: { url: ctx.peer.url, headers: { 'transfer-encoding': ['chunked'], 'content-type': 'text/plain' } } } } });
  ctx.flow.send('client', 'in', '12345');
  const [request] = await ctx.peer.waitRequests(1);
  assert.is(request!.headers['transfer-encoding'], 'chunked');
  assert.is(request!.headers['content-length'], undefined);
  assert.is(request!.body, '12345');
  const response = await ctx.flow.next('client', 'out', { timeout: 2000 });
  assert.equal(response.data, { method: 'POST', url: '/', body: '12345' });
});

test.run();
