import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { HttpPeer } from '../../../support/http-peer.js';
import { httpRequest } from '../../../support/http-request.js';

const test = suite<{ flows: TestFlow[]; peer?: HttpPeer }>('http mime_mapping', { flows: [] });
test.after.each(async (ctx) => {
  for (const flow of ctx.flows.splice(0)) await flow.stop();
  await ctx.peer?.stop();
  ctx.peer = undefined;
});

const sorted = { name: 'json', config: { mode: 'sorted' } };

test('http_server decodes and answers by its mime_mapping: a mapped type with its codec’s config, */* for types no codec claims', async (ctx) => {
  const flow = await startFlow({
    connectors: { api: { type: 'http_server', config: { url: 'http://127.0.0.1:0', mime_mapping: { 'application/json': sorted, '*/*': 'string' } } } },
    pipelines: { echo: { operators: {}, links: [['in', 'out']] } },
    links: [['api', 'echo'], ['echo', 'api']],
  });
  ctx.flows.push(flow);
  const json = await httpRequest(`${flow.address('api')}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"snot":1,"badger":2}' });
  assert.is(json.status, 200);
  assert.is(json.headers['content-type'], 'application/json');
  assert.is(json.body, '{"badger":2,"snot":1}');
  // No codec claims application/x-thing: */* maps it to string, so the body comes back as it went.
  const other = await httpRequest(`${flow.address('api')}/`, { method: 'POST', headers: { 'content-type': 'application/x-thing' }, body: 'not json {' });
  assert.is(other.status, 200);
  assert.is(other.body, 'not json {');
  assert.is(other.headers['content-type'], 'application/x-thing');
  assert.equal(flow.seen('api', 'out').map((e) => e.data), [{ snot: 1, badger: 2 }, 'not json {']);
});

test('without a mapping for it, a type no codec claims goes through the connector’s own codec', async (ctx) => {
  const flow = await startFlow({
    connectors: { api: { type: 'http_server', config: { url: 'http://127.0.0.1:0', mime_mapping: { 'text/*': 'string' } } } },
    pipelines: { echo: { operators: {}, links: [['in', 'out']] } },
    links: [['api', 'echo'], ['echo', 'api']],
  });
  ctx.flows.push(flow);
  const text = await httpRequest(`${flow.address('api')}/`, { method: 'POST', headers: { 'content-type': 'text/x-log' }, body: 'a line' });
  assert.is(text.body, 'a line');
  const other = await httpRequest(`${flow.address('api')}/`, { method: 'POST', headers: { 'content-type': 'application/x-thing' }, body: 'not json {' });
  assert.is(other.status, 400);
});

test('http_client encodes requests and decodes responses by its mime_mapping', async (ctx) => {
  ctx.peer = await HttpPeer.start({ reply: (r) => ({ status: 200, headers: { 'content-type': 'application/x-thing' }, body: `got ${r.body}` }) });
  const flow = await startFlow({
    connectors: {
      client: {
        type: 'http_client',
        config: { url: ctx.peer.url, method: 'PUT', headers: { 'content-type': 'application/json' }, mime_mapping: { 'application/json': sorted, '*/*': 'string' } },
      },
    },
  });
  ctx.flows.push(flow);
  flow.send('client', 'in', { snot: 1, badger: 2 });
  const [request] = await ctx.peer.waitRequests(1);
  assert.is(request!.body, '{"badger":2,"snot":1}');
  const response = await flow.next('client', 'out', { timeout: 2000 });
  assert.is(response.data, 'got {"badger":2,"snot":1}');
});

test('a mime_mapping naming an unknown codec, or not a mime type, is refused at load time naming the entry', async () => {
  const err = await startFlow({ connectors: { api: { type: 'http_server', config: { url: 'http://127.0.0.1:0', mime_mapping: { 'application/json': 'jsn' } } } } }).catch((e: Error) => e);
  assert.is((err as { code?: string }).code, 'ERR_KIND_UNKNOWN');
  assert.match((err as Error).message, /connectors\.api\.config\.mime_mapping\["application\/json"\]: unknown codec "jsn"; did you mean "json"\?/);
  const bad = await startFlow({ connectors: { api: { type: 'http_client', config: { url: 'http://127.0.0.1:1', mime_mapping: { json: 'json' } } } } }).catch((e: Error) => e);
  assert.match((bad as Error).message, /connectors\.api\.config\.mime_mapping\.json: expected a mime type such as application\/json, text\/\* or \*\/\*, received "json"/);
});

test.run();
