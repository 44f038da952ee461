import http2 from 'node:http2';
import net from 'node:net';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SIGNALS } from '../../../../src/kinds/otel/otlp-schema.js';
import { encode } from '../../../../src/kinds/otel/protobuf-encode.js';
import { call, prefixed, TRACE, withServer } from './otel-flows.js';

const valid = Buffer.from(encode(SIGNALS[0]!.request, { trace: [{ instrumentation_library_spans: [{ spans: [{ name: 'ok', span_id: '00f067aa0ba902b7', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736' }] }] }] }));

const errText = (e: { data: unknown }): string => (e.data as { error: string }).error;
const errCode = (e: { data: unknown }): string => (e.data as { code: string }).code;

test('bytes that are not protobuf are answered INVALID_ARGUMENT with the reason, and go to err', () =>
  withServer({}, async (flow, url) => {
    const garbage = Buffer.from([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]);
    const answer = await call(url, prefixed(0, garbage.length, garbage));
    assert.is(answer.http, 200);
    assert.is(answer.status, '3');
    assert.is(answer.message, `otel: ${TRACE}: not a valid ExportTraceServiceRequest: truncated field (4294967295 bytes expected, 1 left) at byte 6`);
    const err = await flow.next('otel', 'err', { timeout: 3000 });
    assert.is(errCode(err), 'ERR_CODEC_DECODE');
    assert.is(errText(err), `${answer.message} (answered INVALID_ARGUMENT)`);
  }));

test('a truncated protobuf message (a valid request cut short) is answered INVALID_ARGUMENT', () =>
  withServer({}, async (flow, url) => {
    const cut = valid.subarray(0, valid.length - 7);
    const answer = await call(url, prefixed(0, cut.length, cut));
    assert.is(answer.status, '3');
    assert.match(answer.message, /^otel: \/opentelemetry.proto.collector.trace.v1.TraceService\/Export: not a valid ExportTraceServiceRequest: truncated field \(\d+ bytes expected, \d+ left\) at byte \d+$/);
    assert.is(errCode(await flow.next('otel', 'err', { timeout: 3000 })), 'ERR_CODEC_DECODE');
    assert.equal(flow.seen('otel', 'out'), []);
  }));

test('a gRPC frame cut short, a second message on a unary call and a bad flag are answered INTERNAL', () =>
  withServer({}, async (_flow, url) => {
    const short = await call(url, prefixed(0, 100, Buffer.alloc(10)));
    assert.equal([short.status, short.message], ['13', `otel: ${TRACE}: truncated gRPC message: its prefix says 100 bytes, 10 came`]);
    const two = await call(url, Buffer.concat([prefixed(0, valid.length, valid), prefixed(0, 0)]));
    assert.equal([two.status, two.message], ['13', `otel: ${TRACE}: expected one message on a unary call, received 5 bytes more`]);
    const flag = await call(url, prefixed(7, valid.length, valid));
    assert.equal([flag.status, flag.message], ['13', `otel: ${TRACE}: expected a compressed flag of 0 or 1, received 7`]);
    const empty = await call(url, Buffer.from([0, 0]));
    assert.equal([empty.status, empty.message], ['13', `otel: ${TRACE}: expected a 5-byte gRPC message prefix, received 2 bytes`]);
  }));

test('a compressed message is answered UNIMPLEMENTED, saying to send it uncompressed', () =>
  withServer({}, async (_flow, url) => {
    const answer = await call(url, prefixed(1, valid.length, valid), { 'grpc-encoding': 'gzip' });
    assert.equal([answer.status, answer.message], ['12', `otel: ${TRACE}: compressed messages are not supported: send them uncompressed (grpc-encoding: identity)`]);
  }));

test('a message over max_message_size is refused RESOURCE_EXHAUSTED from its prefix, before its body is read', () =>
  withServer({ max_message_size: 1024 }, async (flow, url) => {
    // The prefix claims 64 MiB; only its first bytes are sent: the answer cannot wait for the rest.
    const answer = await call(url, prefixed(0, 64 * 1024 * 1024, Buffer.alloc(100)));
    assert.equal([answer.status, answer.message], ['8', `otel: ${TRACE}: a message of 67108864 bytes is larger than max_message_size (1024)`]);
    const err = await flow.next('otel', 'err', { timeout: 3000 });
    assert.is(errCode(err), 'ERR_PROCESSOR_MAX_LENGTH');
    const ok = await call(url, prefixed(0, valid.length, valid));
    assert.is(ok.status, '0', 'a message within the limit is still taken');
  }));

test('a request that is not gRPC is answered HTTP 415; an unknown method UNIMPLEMENTED, naming the ones served', () =>
  withServer({ logs: false }, async (flow, url) => {
    const json = await call(url, Buffer.from('{}'), { 'content-type': 'application/json' });
    assert.is(json.http, 415);
    assert.is(json.body.toString(), 'otel: expected content-type application/grpc, received "application/json"\n');
    const unknown = await call(url, prefixed(0, 0), {}, '/grpc.health.v1.Health/Check');
    assert.is(unknown.status, '12');
    assert.is(
      unknown.message,
      'otel: unknown method "/grpc.health.v1.Health/Check"; this server answers /opentelemetry.proto.collector.trace.v1.TraceService/Export, /opentelemetry.proto.collector.metrics.v1.MetricsService/Export (POST)',
    );
    const errs = await flow.collect('otel', 'err', 2, { timeout: 3000 });
    assert.equal(errs.map(errCode), ['ERR_PROTOCOL', 'ERR_PROTOCOL']);
  }));

test('after garbage on the socket and bad requests, the server still serves the OpenTelemetry exporter', () =>
  withServer({}, async (flow, url) => {
    const { port } = new URL(url);
    await new Promise<void>((resolve) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.end('GET / HTTP/1.1\r\nHost: x\r\n\r\n\0\0\0garbage'));
      socket.on('error', () => resolve());
      socket.on('close', () => resolve());
      socket.resume();
    });
    await call(url, prefixed(0, 3, Buffer.from([0xff, 0xff, 0xff])));
    const exporter = new OTLPTraceExporter({ url });
    const span = new TracerProvider().getTracer('t').startSpan('after');
    span.end();
    const result = await new Promise<{ code: number; error?: Error }>((resolve) => exporter.export([span as unknown as ReadableSpan], resolve));
    assert.is(result.code, 0, String(result.error));
    const event = await flow.next('otel', 'out', { timeout: 3000 });
    assert.is((event.data as { trace: any[] }).trace[0].instrumentation_library_spans[0].spans[0].name, 'after');
    await exporter.shutdown();
  }));

test('a connection idle for idle_timeout_ms is closed, so idle connections cannot hold the server', () =>
  withServer({ idle_timeout_ms: 200 }, async (_flow, url) => {
    const session = http2.connect(url);
    session.on('error', () => {});
    const started = performance.now();
    const closed = await new Promise<boolean>((resolve) => {
      session.once('close', () => resolve(true));
      setTimeout(() => resolve(false), 3000).unref();
    });
    assert.ok(closed, 'closed by the server');
    assert.ok(performance.now() - started >= 150, 'not before the timeout');
    const ok = await call(url, prefixed(0, valid.length, valid));
    assert.is(ok.status, '0', 'a new connection is served');
  }));

test.run();
