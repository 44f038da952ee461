import http2 from 'node:http2';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SIGNALS } from '../../../../src/kinds/otel/otlp-schema.js';
import { encode } from '../../../../src/kinds/otel/protobuf-encode.js';
import { call, prefixed, TRACE, withServer } from './otel-flows.js';

const valid = Buffer.from(encode(SIGNALS[0]!.request, { trace: [{ instrumentation_library_spans: [{ spans: [{ name: 'ok', span_id: '00f067aa0ba902b7', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' }] }] }] }));

const errText = (e: { data: unknown }): string => (e.data as { error: string }).error;
const errCode = (e: { data: unknown }): string => (e.data as { code: string }).code;

/** A length-delimited field's varint length. */
const varint = (n: number): number[] => {
  const out: number[] = [];
  for (; n > 0x7f; n >>>= 7) out.push((n & 0x7f) | 0x80);
  out.push(n);
  return out;
};

/** An ExportTraceServiceRequest of `n` empty spans: 2 bytes each on the wire, a dozen fields each decoded. */
function emptySpans(n: number): Buffer {
  const spans = Buffer.alloc(2 * n);
  for (let i = 0; i < n; i++) spans[2 * i] = 0x12;
  const scope = Buffer.concat([Buffer.from([0x12, ...varint(spans.length)]), spans]);
  return Buffer.concat([Buffer.from([0x0a, ...varint(scope.length)]), scope]);
}

test('a small request that decodes to more than max_decoded_items is answered RESOURCE_EXHAUSTED and goes to err', () =>
  withServer({ max_decoded_items: 1000 }, async (flow, url) => {
    const bomb = emptySpans(500);
    const answer = await call(url, prefixed(0, bomb.length, bomb));
    assert.is(answer.status, '8');
    assert.is(answer.message, `otel: ${TRACE}: not read: more than 1000 decoded items (messages, fields and values) at byte 124, past max_decoded_items (1000)`);
    const err = await flow.next('otel', 'err', { timeout: 3000 });
    assert.is(errCode(err), 'ERR_PROCESSOR_MAX_LENGTH');
    assert.is(errText(err), `${answer.message} (answered RESOURCE_EXHAUSTED)`);
    assert.equal(flow.seen('otel', 'out'), []);
    const ok = await call(url, prefixed(0, valid.length, valid));
    assert.is(ok.status, '0', 'a request within the budget is still taken');
  }));

test('max_decoded_items defaults to a quarter of max_message_size', () =>
  withServer({ max_message_size: 1024 }, async (_flow, url) => {
    const bomb = emptySpans(100);
    const answer = await call(url, prefixed(0, bomb.length, bomb));
    assert.is(answer.status, '8');
    assert.match(answer.message, /^otel: \/opentelemetry\.proto\.collector\.trace\.v1\.TraceService\/Export: not read: more than 256 decoded items \(messages, fields and values\) at byte \d+, past max_decoded_items \(256, a quarter of max_message_size\)$/);
  }));

test('past max_buffered_bytes held across connections, a request is refused RESOURCE_EXHAUSTED; the bytes are given back once read', () =>
  withServer({ max_buffered_bytes: valid.length + 10 }, async (flow, url) => {
    const framed = prefixed(0, valid.length, valid);
    // A holds all but its last byte, on its own connection, unfinished.
    const a = http2.connect(url);
    a.on('error', () => {});
    const slow = a.request({ ':method': 'POST', ':path': TRACE, 'content-type': 'application/grpc', te: 'trailers' });
    slow.on('error', () => {});
    const status = new Promise<string | undefined>((resolve) => {
      let got: string | undefined;
      slow.on('trailers', (h) => (got = String(h['grpc-status'])));
      slow.on('response', (h) => (got ??= h['grpc-status'] === undefined ? undefined : String(h['grpc-status'])));
      slow.on('close', () => resolve(got));
      slow.resume();
    });
    slow.write(framed.subarray(0, framed.length - 1));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const refused = await call(url, framed);
    assert.is(refused.status, '8');
    assert.is(refused.message, `otel: ${TRACE}: the server holds ${framed.length - 1} bytes of requests being read, and this one's would go past max_buffered_bytes (${valid.length + 10}); retry later`);
    assert.is(errCode(await flow.next('otel', 'err', { timeout: 3000 })), 'ERR_PROCESSOR_MAX_LENGTH');
    slow.end(framed.subarray(framed.length - 1));
    assert.is(await status, '0', 'the request that held the bytes is served');
    a.close();
    const after = await call(url, framed);
    assert.is(after.status, '0', 'its bytes were given back');
  }));

/** Opens a request on its own connection and sends `head` of it, no more; resolves with the connection once sent. */
async function stalled(url: string, head: Buffer): Promise<{ session: http2.ClientHttp2Session; req: http2.ClientHttp2Stream; closed: Promise<boolean> }> {
  const session = http2.connect(url);
  session.on('error', () => {});
  const closed = new Promise<boolean>((resolve) => {
    session.once('close', () => resolve(true));
    setTimeout(() => resolve(false), 5000).unref();
  });
  const req = session.request({ ':method': 'POST', ':path': TRACE, 'content-type': 'application/grpc', te: 'trailers' });
  req.on('error', () => {});
  req.resume();
  await new Promise<void>((resolve) => req.write(head, () => resolve()));
  return { session, req, closed };
}

test('with max_connections 1, a connection stalled mid-request is dropped after idle_timeout_ms and the next client is served', () =>
  withServer({ max_connections: 1, idle_timeout_ms: 300 }, async (_flow, url) => {
    const a = await stalled(url, prefixed(0, 100));
    const started = performance.now();
    assert.ok(await a.closed, 'the stalled connection was dropped');
    const took = performance.now() - started;
    assert.ok(took >= 250, `not before idle_timeout_ms (${took} ms)`);
    const ok = await call(url, prefixed(0, valid.length, valid));
    assert.is(ok.status, '0', 'the next client is served');
  }));

test('a request whose message trickles in past request_timeout_ms is answered DEADLINE_EXCEEDED and goes to err', () =>
  withServer({ request_timeout_ms: 300 }, async (flow, url) => {
    const a = await stalled(url, prefixed(0, 100));
    const answer = new Promise<[string | undefined, string]>((resolve) => {
      let status: string | undefined;
      let message = '';
      const take = (h: http2.IncomingHttpHeaders): void => {
        if (h['grpc-status'] !== undefined) [status, message] = [String(h['grpc-status']), decodeURIComponent(String(h['grpc-message']))];
      };
      a.req.on('response', take);
      a.req.on('trailers', take);
      a.req.on('close', () => resolve([status, message]));
    });
    // A byte every 100 ms keeps the connection busy, never idle; the request still runs out of time.
    const drip = setInterval(() => a.req.write(Buffer.alloc(1)), 100);
    try {
      const why = `otel: ${TRACE}: the request's message did not arrive in full within request_timeout_ms (300)`;
      assert.equal(await answer, ['4', why]);
      const err = await flow.next('otel', 'err', { timeout: 3000 });
      assert.is(errCode(err), 'ERR_TIMEOUT');
      assert.is(errText(err), `${why} (answered DEADLINE_EXCEEDED)`);
    } finally {
      clearInterval(drip);
      a.session.destroy();
    }
    const ok = await call(url, prefixed(0, valid.length, valid));
    assert.is(ok.status, '0');
  }));

test.run();
