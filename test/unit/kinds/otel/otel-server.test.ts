import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { TracerProvider, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow } from '../../../../src/app/testing/index.js';
import { withServer } from './otel-flows.js';


const resource = resourceFromAttributes({ 'service.name': 'checkout', 'host.cores': 4 });
const nanos = (t: [number, number]): bigint => BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
const same = (a: unknown, b: bigint): boolean => BigInt(a as number | bigint) === b;

test('spans sent by the OpenTelemetry JS trace exporter arrive as one event in Tremor’s JSON', () =>
  withServer({}, async (flow, url) => {
    const exporter = new OTLPTraceExporter({ url });
    const provider = new TracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    const tracer = provider.getTracer('shop', '1.2.3');
    const parent = tracer.startSpan('GET /cart', { kind: SpanKind.SERVER, attributes: { 'http.method': 'GET', 'http.status_code': 200, ratio: 0.5, cached: false, tags: ['a', 'b'] } });
    parent.addEvent('retry', { attempt: 2 });
    parent.setStatus({ code: SpanStatusCode.ERROR, message: 'boom' });
    parent.end();
    await provider.forceFlush();
    const event = await flow.next('otel', 'out', { timeout: 5000 });
    const data = event.data as { trace: any[] };
    assert.equal(Object.keys(data), ['trace']);
    const rs = data.trace[0];
    assert.is(rs.resource.attributes['service.name'], 'checkout');
    assert.is(rs.resource.attributes['host.cores'], 4);
    assert.is(rs.resource.dropped_attributes_count, 0);
    const ils = rs.instrumentation_library_spans[0];
    assert.equal(ils.instrumentation_library, { name: 'shop', version: '1.2.3' });
    const span = ils.spans[0];
    const sent = parent as unknown as ReadableSpan;
    assert.is(span.name, 'GET /cart');
    assert.is(span.kind, 2, 'SPAN_KIND_SERVER');
    assert.is(span.span_id, parent.spanContext().spanId);
    assert.is(span.trace_id, parent.spanContext().traceId);
    assert.is(span.parent_span_id, '');
    assert.equal(span.attributes, { 'http.method': 'GET', 'http.status_code': 200, ratio: 0.5, cached: false, tags: ['a', 'b'] });
    assert.ok(same(span.start_time_unix_nano, nanos(sent.startTime)), `start ${span.start_time_unix_nano}`);
    assert.ok(same(span.end_time_unix_nano, nanos(sent.endTime)), `end ${span.end_time_unix_nano}`);
    assert.equal(span.status, { code: 2, deprecated_code: 0, message: 'boom' });
    assert.is(span.events.length, 1);
    assert.equal({ ...span.events[0], time_unix_nano: 0 }, { name: 'retry', attributes: { attempt: 2 }, dropped_attributes_count: 0, time_unix_nano: 0 });
    assert.equal(span.links, []);
    assert.equal(event.meta.otel_server, { peer: (event.meta.otel_server as { peer: unknown }).peer, service: 'trace' });
    await provider.shutdown();
  }));

test('a child span carries its parent’s id, and the exporter hears OK once the event is delivered', () =>
  withServer({}, async (flow, url) => {
    const exporter = new OTLPTraceExporter({ url });
    const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    const tracer = provider.getTracer('shop');
    const parent = tracer.startSpan('parent');
    const { trace, context } = await import('@opentelemetry/api');
    const child = tracer.startSpan('child', {}, trace.setSpan(context.active(), parent));
    child.end();
    const result = await new Promise<{ code: number; error?: Error }>((resolve) => exporter.export([child as unknown as ReadableSpan], resolve));
    assert.is(result.code, 0, String(result.error));
    const event = await flow.next('otel', 'out', { timeout: 5000 });
    const span = (event.data as { trace: any[] }).trace[0].instrumentation_library_spans[0].spans[0];
    assert.is(span.parent_span_id, parent.spanContext().spanId);
    await provider.shutdown();
  }));

test('metrics sent by the OpenTelemetry JS metric exporter arrive as sums and histograms in Tremor’s JSON', () =>
  withServer({}, async (flow, url) => {
    const exporter = new OTLPMetricExporter({ url });
    const provider = new MeterProvider({ resource, readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 })] });
    const meter = provider.getMeter('billing', '0.1.0');
    meter.createCounter('orders', { unit: '1', description: 'orders placed' }).add(5, { region: 'eu' });
    meter.createHistogram('latency', { unit: 'ms', advice: { explicitBucketBoundaries: [10, 100] } }).record(42.5, { route: '/cart' });
    await provider.forceFlush();
    const event = await flow.next('otel', 'out', { timeout: 5000 });
    const rm = (event.data as { metrics: any[] }).metrics[0];
    assert.is(rm.resource.attributes['service.name'], 'checkout');
    const ilm = rm.instrumentation_library_metrics[0];
    assert.equal(ilm.instrumentation_library, { name: 'billing', version: '0.1.0' });
    const byName = Object.fromEntries(ilm.metrics.map((m: { name: string }) => [m.name, m]));
    const orders = byName.orders;
    assert.is(orders.unit, '1');
    assert.is(orders.description, 'orders placed');
    assert.equal(Object.keys(orders.data), ['sum']);
    assert.is(orders.data.sum.is_monotonic, true);
    assert.is(orders.data.sum.aggregation_temporality, 2, 'cumulative');
    const point = orders.data.sum.data_points[0];
    assert.is(point.value, 5);
    assert.equal(point.attributes, { region: 'eu' });
    assert.equal(point.exemplars, []);
    const latency = byName.latency.data.histogram.data_points[0];
    assert.equal([latency.count, latency.sum, latency.min, latency.max], [1, 42.5, 42.5, 42.5]);
    assert.equal(latency.explicit_bounds, [10, 100]);
    assert.equal(latency.bucket_counts, [0, 1, 0]);
    assert.equal(latency.attributes, { route: '/cart' });
    await provider.shutdown();
  }));

test('log records sent by the OpenTelemetry JS log exporter arrive in Tremor’s JSON, bodies as plain values', () =>
  withServer({}, async (flow, url) => {
    const exporter = new OTLPLogExporter({ url });
    const provider = new LoggerProvider({ resource, processors: [new SimpleLogRecordProcessor({ exporter })] });
    const logger = provider.getLogger('audit', '2.0.0');
    logger.emit({ severityNumber: SeverityNumber.WARN, severityText: 'WARN', body: { user: 'ada', tries: 3, ok: false, ids: [1, 2] }, attributes: { 'log.file': 'a.log' } });
    await provider.forceFlush();
    const event = await flow.next('otel', 'out', { timeout: 5000 });
    const rl = (event.data as { logs: any[] }).logs[0];
    const ill = rl.instrumentation_library_logs[0];
    assert.equal(ill.instrumentation_library, { name: 'audit', version: '2.0.0' });
    const record = ill.logs[0];
    assert.is(record.severity_number, 13);
    assert.is(record.severity_text, 'WARN');
    assert.equal(record.body, { user: 'ada', tries: 3, ok: false, ids: [1, 2] });
    assert.equal(record.attributes, { 'log.file': 'a.log' });
    assert.is(record.trace_id, '');
    assert.ok(BigInt(record.observed_time_unix_nano) > 0n, 'observed time, a field newer than Tremor’s JSON, shows when set');
    await provider.shutdown();
  }));

test('a service switched off answers UNIMPLEMENTED, and the exporter reports the failure', () =>
  withServer({ trace: false }, async (flow, url) => {
    const exporter = new OTLPTraceExporter({ url });
    const provider = new TracerProvider({ spanProcessors: [] });
    const span = provider.getTracer('t').startSpan('s');
    span.end();
    const result = await new Promise<{ code: number; error?: Error }>((resolve) => exporter.export([span as unknown as ReadableSpan], resolve));
    assert.is(result.code, 1, 'FAILED');
    assert.match(String(result.error), 'this server does not accept trace (trace: false)');
    const err = await flow.next('otel', 'err', { timeout: 5000 });
    assert.is((err.data as { code: string }).code, 'ERR_PROTOCOL');
    assert.is((err.data as { error: string }).error, 'otel: /opentelemetry.proto.collector.trace.v1.TraceService/Export: this server does not accept trace (trace: false) (answered UNIMPLEMENTED)');
    await exporter.shutdown();
  }));

test('a request nothing takes on is answered UNAVAILABLE, so the exporter may retry it', async () => {
  const flow = await startFlow({ connectors: { otel: { type: 'otel_server', config: { url: '127.0.0.1:0' } } } });
  try {
    const exporter = new OTLPTraceExporter({ url: flow.address('otel') });
    const provider = new TracerProvider({ spanProcessors: [] });
    const span = provider.getTracer('t').startSpan('s');
    span.end();
    const result = await new Promise<{ code: number; error?: Error }>((resolve) => exporter.export([span as unknown as ReadableSpan], resolve));
    assert.is(result.code, 1, 'FAILED');
    assert.match(String(result.error), 'the request was not delivered');
    await exporter.shutdown();
  } finally {
    await flow.stop();
  }
});

test.run();
