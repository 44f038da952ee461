import http2 from 'node:http2';
import net from 'node:net';
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as loader from '@grpc/proto-loader';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';
import { freePort } from '../../../support/ports.js';

/**
 * The peer: a collector made of @grpc/grpc-js with protobufjs reading OTLP's messages (written from
 * the protocol's specification in proto/, current layout), so that what otel_client writes is read
 * by a protobuf implementation nobody here wrote.
 */
const options: loader.Options = { keepCase: true, longs: String, enums: Number, bytes: String, defaults: true, oneofs: true };
const definition = loader.loadSync(['trace.proto', 'metrics.proto', 'logs.proto'], { ...options, includeDirs: [path.join(import.meta.dirname, 'proto')] });
const proto = grpc.loadPackageDefinition(definition) as any;
const services = {
  trace: proto.opentelemetry.proto.collector.trace.v1.TraceService.service,
  metrics: proto.opentelemetry.proto.collector.metrics.v1.MetricsService.service,
  logs: proto.opentelemetry.proto.collector.logs.v1.LogsService.service,
};

type Answer = (request: any) => grpc.ServiceError | null;
interface Collector {
  readonly url: string;
  readonly received: { trace: any[]; metrics: any[]; logs: any[] };
  close(): Promise<void>;
}

async function collector(answer: Answer = () => null, port = 0): Promise<Collector> {
  const server = new grpc.Server();
  const received = { trace: [] as any[], metrics: [] as any[], logs: [] as any[] };
  for (const key of ['trace', 'metrics', 'logs'] as const) {
    server.addService(services[key], {
      Export: (call: grpc.ServerUnaryCall<any, any>, callback: grpc.sendUnaryData<any>) => {
        received[key].push(call.request);
        const error = answer(call.request);
        if (error === null) callback(null, {});
        else callback(error);
      },
    });
  }
  const bound = await new Promise<number>((resolve, reject) => server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  return { url: `127.0.0.1:${bound}`, received, close: () => new Promise((resolve) => server.tryShutdown(() => resolve())) };
}

const clientFlow = (url: string, config: object = {}, reconnect?: object): object => ({
  connectors: { otel: { type: 'otel_client', config: { url, ...config }, ...(reconnect === undefined ? {} : { reconnect }) } },
});

const TRACE_ID = '52c0d1949a4c908818f9e0d1fcfad17e';
const SPAN_ID = 'afe8d471fad0ef7c';
/** As tremolo's json codec reads Tremor's recorded events: times past 2^53 are bigints, kept exact. */
const traceEvent = (name = 'DROP TABLE') => ({
  trace: [
    {
      resource: { attributes: { 'service.name': 'javaApp', 'process.pid': 24855 }, dropped_attributes_count: 0 },
      schema_url: 'https://opentelemetry.io/schemas/1.8.0',
      instrumentation_library_spans: [
        {
          instrumentation_library: { name: 'io.opentelemetry.jdbc', version: '1.11.0' },
          schema_url: '',
          spans: [
            {
              attributes: { 'db.system': 'h2', 'thread.id': 1, ratio: 0.25, ok: true, list: ['x', 2], nested: { a: null } },
              events: [{ time_unix_nano: 5, name: 'e', attributes: {}, dropped_attributes_count: 0 }],
              links: [],
              span_id: SPAN_ID,
              parent_span_id: '',
              trace_id: TRACE_ID,
              start_time_unix_nano: 1646054197366955000n,
              end_time_unix_nano: 1646054197371114000n,
              trace_state: '',
              dropped_attributes_count: 0,
              dropped_events_count: 0,
              dropped_links_count: 0,
              status: { code: 2, deprecated_code: 0, message: 'bad' },
              kind: 3,
              name,
            },
          ],
        },
      ],
    },
  ],
});

async function withClient(c: Collector, config: object, body: (flow: TestFlow) => Promise<void>, reconnect?: object): Promise<void> {
  const flow = await startFlow(clientFlow(c.url, config, reconnect));
  try {
    await body(flow);
  } finally {
    await flow.stop();
    await c.close();
  }
}

const until = async (check: () => boolean, ms = 5000): Promise<void> => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

test('a trace event in Tremor’s JSON reaches a gRPC collector as the ExportTraceServiceRequest it stands for', async () => {
  const c = await collector();
  await withClient(c, {}, async (flow) => {
    await flow.waitConnected('otel', { timeout: 5000 });
    flow.send('otel', 'in', traceEvent());
    await until(() => c.received.trace.length === 1);
    const rs = c.received.trace[0].resource_spans[0];
    assert.equal(rs.resource.attributes, [
      { key: 'service.name', value: { string_value: 'javaApp', value: 'string_value' } },
      { key: 'process.pid', value: { int_value: '24855', value: 'int_value' } },
    ]);
    assert.is(rs.schema_url, 'https://opentelemetry.io/schemas/1.8.0');
    const ss = rs.scope_spans[0];
    assert.is(ss.scope.name, 'io.opentelemetry.jdbc');
    assert.is(ss.scope.version, '1.11.0');
    const span = ss.spans[0];
    assert.is(Buffer.from(span.trace_id, 'base64').toString('hex'), TRACE_ID);
    assert.is(Buffer.from(span.span_id, 'base64').toString('hex'), SPAN_ID);
    assert.is(span.parent_span_id, '');
    assert.is(span.start_time_unix_nano, '1646054197366955000', 'exact past 2^53');
    assert.is(span.end_time_unix_nano, '1646054197371114000');
    assert.is(span.kind, 3);
    assert.is(span.name, 'DROP TABLE');
    assert.equal(span.status, { message: 'bad', code: 2 });
    const attrs = Object.fromEntries(span.attributes.map((kv: any) => [kv.key, kv.value]));
    assert.equal(attrs['db.system'], { string_value: 'h2', value: 'string_value' });
    assert.equal(attrs['thread.id'], { int_value: '1', value: 'int_value' });
    assert.equal(attrs.ratio, { double_value: 0.25, value: 'double_value' });
    assert.equal(attrs.ok, { bool_value: true, value: 'bool_value' });
    assert.equal(attrs.list.array_value.values.map((v: any) => v[v.value]), ['x', '2']);
    assert.equal(attrs.nested.kvlist_value.values, [{ key: 'a', value: {} }]);
    assert.is(span.events[0].name, 'e');
    assert.is(span.events[0].time_unix_nano, '5');
    await until(() => (flow.flow.connector('otel').status() as { sent?: number }).sent === 1);
  });
});

test('metrics and logs events go by their own services; the current protocol’s names are read too', async () => {
  const c = await collector();
  await withClient(c, {}, async (flow) => {
    await flow.waitConnected('otel', { timeout: 5000 });
    flow.send('otel', 'in', {
      metrics: [
        {
          scope_metrics: [
            {
              scope: { name: 'billing', version: '0.1' },
              metrics: [
                { name: 'orders', description: '', unit: '1', data: { sum: { is_monotonic: true, aggregation_temporality: 2, data_points: [{ value: 5, attributes: { region: 'eu' }, time_unix_nano: 7, start_time_unix_nano: 1, exemplars: [], flags: 0 }] } } },
                { name: 'load', description: '', unit: '', data: { gauge: { data_points: [{ value: 0.75, labels: { cpu: 0 } }] } } },
                { name: 'lat', description: '', unit: 'ms', data: { histogram: { aggregation_temporality: 1, data_points: [{ count: 3, sum: 12.5, bucket_counts: [1, 2, 0], explicit_bounds: [1, 10], min: 0.5, max: 9 }] } } },
              ],
            },
          ],
        },
      ],
    });
    flow.send('otel', 'in', { logs: [{ scope_logs: [{ scope: { name: 'audit' }, log_records: [{ severity_number: 9, severity_text: 'INFO', body: { user: 'ada' }, trace_id: TRACE_ID, span_id: SPAN_ID, flags: 1 }] }] }] });
    await until(() => c.received.metrics.length === 1 && c.received.logs.length === 1);
    const metrics = c.received.metrics[0].resource_metrics[0].scope_metrics[0];
    assert.is(metrics.scope.name, 'billing');
    const [orders, load, lat] = metrics.metrics;
    assert.is(orders.data, 'sum');
    assert.equal([orders.sum.is_monotonic, orders.sum.aggregation_temporality], [true, 2]);
    const point = orders.sum.data_points[0];
    assert.equal([point.as_int, point.value, point.time_unix_nano], ['5', 'as_int', '7']);
    assert.equal(point.attributes, [{ key: 'region', value: { string_value: 'eu', value: 'string_value' } }]);
    assert.equal([load.gauge.data_points[0].as_double, load.gauge.data_points[0].value], [0.75, 'as_double']);
    assert.equal(load.gauge.data_points[0].attributes, [{ key: 'cpu', value: { int_value: '0', value: 'int_value' } }], 'Tremor’s labels are sent as attributes');
    const h = lat.histogram.data_points[0];
    assert.equal([h.count, h.sum, h.bucket_counts, h.explicit_bounds, h.min, h.max], ['3', 12.5, ['1', '2', '0'], [1, 10], 0.5, 9]);
    const log = c.received.logs[0].resource_logs[0].scope_logs[0];
    assert.is(log.scope.name, 'audit');
    const record = log.log_records[0];
    assert.equal([record.severity_number, record.severity_text, record.flags], [9, 'INFO', 1]);
    assert.equal(record.body.kvlist_value.values, [{ key: 'user', value: { string_value: 'ada', value: 'string_value' } }]);
    assert.is(Buffer.from(record.trace_id, 'base64').toString('hex'), TRACE_ID);
  });
});

test('an event of another shape, or with a value OTLP cannot hold, fails on err with the reason and its path', async () => {
  const c = await collector();
  await withClient(c, {}, async (flow) => {
    await flow.waitConnected('otel', { timeout: 5000 });
    flow.send('otel', 'in', { spans: [] });
    flow.send('otel', 'in', 'text');
    const bad = traceEvent();
    (bad.trace[0]!.instrumentation_library_spans[0]!.spans[0] as { span_id: string }).span_id = 'xyz';
    flow.send('otel', 'in', bad);
    flow.send('otel', 'in', { metrics: [{ instrumentation_library_metrics: [{ metrics: [{ name: 'm', data: { both: {}, sum: {} } }] }] }] });
    const errs = await flow.collect('otel', 'err', 4, { timeout: 3000 });
    assert.equal(
      errs.map((e) => [(e.data as { code: string }).code, (e.data as { error: string }).error]),
      [
        ['ERR_WRITE_FAILED', 'otel: expected an event { "trace": [...] }, { "metrics": [...] } or { "logs": [...] }, received one with the keys ["spans"]; not sent'],
        ['ERR_WRITE_FAILED', 'otel: expected an event { "trace": [...] }, { "metrics": [...] } or { "logs": [...] }, received "text"; not sent'],
        ['ERR_CODEC_ENCODE', 'otel: not a valid ExportTraceServiceRequest: trace[0].instrumentation_library_spans[0].spans[0].span_id: expected 16 hex digits (8 bytes) or "", received "xyz"; not sent'],
        ['ERR_CODEC_ENCODE', 'otel: not a valid ExportMetricsServiceRequest: metrics[0].instrumentation_library_metrics[0].metrics[0].data: expected a record with one of gauge, sum, histogram, exponential_histogram, summary, received {"both":{},"sum":{}}; not sent'],
      ],
    );
    assert.is(c.received.trace.length + c.received.metrics.length, 0);
  });
});

test('a collector’s error status fails the event on err with the status and its message', async () => {
  const c = await collector(() => Object.assign(new Error('quota'), { code: grpc.status.RESOURCE_EXHAUSTED, details: 'quota of 10 spans/s used up', metadata: new grpc.Metadata() }));
  await withClient(c, {}, async (flow) => {
    await flow.waitConnected('otel', { timeout: 5000 });
    flow.send('otel', 'in', traceEvent());
    const err = await flow.next('otel', 'err', { timeout: 5000 });
    assert.is((err.data as { code: string }).code, 'ERR_REMOTE');
    assert.is((err.data as { error: string }).error, `otel: /opentelemetry.proto.collector.trace.v1.TraceService/Export to ${c.url} failed: RESOURCE_EXHAUSTED: quota of 10 spans/s used up`);
  });
});

test('a switched-off signal is not sent: its events fail on err', async () => {
  const c = await collector();
  await withClient(c, { logs: false }, async (flow) => {
    await flow.waitConnected('otel', { timeout: 5000 });
    flow.send('otel', 'in', { logs: [] });
    const err = await flow.next('otel', 'err', { timeout: 3000 });
    assert.is((err.data as { error: string }).error, 'otel: a logs event, but this connector does not send logs (logs: false); not sent');
  });
});

test('events sent before the collector is up are held, and go out once the client has connected with backoff', async () => {
  const port = await freePort();
  const flow = await startFlow(clientFlow(`127.0.0.1:${port}`, {}, { retry: { interval_ms: 50, growth_rate: 1.5, max_retries: 50 } }));
  let c: Collector | undefined;
  try {
    flow.send('otel', 'in', traceEvent('early'));
    await new Promise((r) => setTimeout(r, 200));
    c = await collector(() => null, port);
    await until(() => c!.received.trace.length === 1);
    assert.is(c.received.trace[0].resource_spans[0].scope_spans[0].spans[0].name, 'early');
    // The collector goes away and comes back: the client reconnects and goes on.
    await c.close();
    c = await collector(() => null, port);
    await flow.waitConnected('otel', { timeout: 5000 });
    await until(() => {
      if (c!.received.trace.length === 0) flow.send('otel', 'in', traceEvent('later'));
      return c!.received.trace.length > 0;
    }, 5000).catch(() => undefined);
    assert.ok(c.received.trace.length >= 1, 'sent after the collector came back');
    assert.is(c.received.trace[0].resource_spans[0].scope_spans[0].spans[0].name, 'later');
  } finally {
    await flow.stop();
    await c?.close();
  }
});

/**
 * A collector on node:http2 that answers every request OK, whose first connection instead refuses
 * the first request unread, by `refuse` given that connection's socket and its first request.
 */
async function refusingCollector(refuse: (socket: net.Socket, stream: http2.ServerHttp2Stream | undefined) => void, raw: boolean): Promise<{ url: string; answered: string[]; connections: () => number; close(): Promise<void> }> {
  const h2 = http2.createServer();
  const answered: string[] = [];
  let connections = 0;
  const sockets = new Set<net.Socket>();
  h2.on('stream', (stream, headers) => {
    stream.on('error', () => {});
    if (!raw && connections === 1 && answered.length === 0) {
      refuse(stream.session!.socket as net.Socket, stream);
      return;
    }
    stream.resume();
    stream.on('end', () => {
      answered.push(String(headers[':path']));
      stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
      stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
      stream.end(Buffer.from([0, 0, 0, 0, 0]));
    });
  });
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('error', () => {});
    socket.once('close', () => sockets.delete(socket));
    if (raw && connections === 1) refuse(socket, undefined);
    else h2.emit('connection', socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `127.0.0.1:${port}`,
    answered,
    connections: () => connections,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * HTTP/2 by hand, as far as a GOAWAY whose last stream is 0 (Node's own server cannot send one: it
 * puts the last stream it processed there): SETTINGS, each of the client's acknowledged, and at the
 * request's HEADERS, GOAWAY(last stream 0, NO_ERROR).
 */
const goawayBeforeAnyStream = (socket: net.Socket): void => {
  const frame = (type: number, flags: number, payload: Buffer): Buffer => Buffer.concat([Buffer.from([0, 0, payload.length, type, flags, 0, 0, 0, 0]), payload]);
  let buffered = Buffer.alloc(0);
  let preface = false;
  socket.write(frame(4, 0, Buffer.alloc(0)));
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    if (!preface) {
      if (buffered.length < 24) return;
      buffered = buffered.subarray(24);
      preface = true;
    }
    while (buffered.length >= 9) {
      const length = buffered.readUIntBE(0, 3);
      if (buffered.length < 9 + length) return;
      const [type, flags] = [buffered[3]!, buffered[4]!];
      buffered = buffered.subarray(9 + length);
      if (type === 4 && (flags & 1) === 0) socket.write(frame(4, 1, Buffer.alloc(0)));
      if (type === 1) socket.write(frame(7, 0, Buffer.alloc(8)));
    }
  });
};

for (const [how, refuse, raw] of [
  ['the stream is reset REFUSED_STREAM', (_socket: net.Socket, stream: http2.ServerHttp2Stream | undefined) => stream!.close(http2.constants.NGHTTP2_REFUSED_STREAM), false],
  ['a GOAWAY leaves it past the last stream taken', goawayBeforeAnyStream, true],
] as const) {
  test(`a request the collector refused unread (${how}) is sent again on a new connection, not failed`, async () => {
    const c = await refusingCollector(refuse, raw);
    const flow = await startFlow(clientFlow(c.url, {}, { retry: { interval_ms: 20, max_retries: 20 } }));
    try {
      await flow.waitConnected('otel', { timeout: 5000 });
      flow.send('otel', 'in', traceEvent('refused once'));
      await until(() => c.answered.length === 1);
      assert.equal(c.answered, ['/opentelemetry.proto.collector.trace.v1.TraceService/Export']);
      assert.is(c.connections(), 2, 'sent again on a new connection');
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(flow.seen('otel', 'err'), []);
    } finally {
      await flow.stop();
      await c.close();
    }
  });
}

test('a url the connectors cannot serve is refused at load time, saying what they take', async () => {
  for (const [type, url, expected] of [
    ['otel_client', 'https://collector:4317', 'connectors.otel.config.url: TLS is not supported by the otel connectors yet: write http://host:port or host:port (h2c), received "https://collector:4317"'],
    ['otel_server', 'grpc://0.0.0.0:4317', 'connectors.otel.config.url: expected host:port or http://host:port, received "grpc://0.0.0.0:4317"'],
    ['otel_client', 'collector', 'connectors.otel.config.url: expected a port in "collector"'],
  ] as const) {
    const err = await startFlow({ connectors: { otel: { type, config: { url } } } }).catch((e: Error) => e);
    assert.is((err as { code?: string }).code, 'ERR_CONFIG_INVALID');
    assert.ok((err as Error).message.includes(expected), (err as Error).message);
  }
});

test('metadata HTTP/2 forbids or the client sets itself is refused at load time, naming the key; a bad value is not quoted back', async () => {
  const cases: [Record<string, string>, string][] = [
    [{ connection: 'close' }, 'connectors.otel.config.metadata.connection: expected a metadata name of your own, received "connection", a connection-specific header, which HTTP/2 forbids'],
    [{ 'transfer-encoding': 'chunked' }, 'connectors.otel.config.metadata.transfer-encoding: expected a metadata name of your own, received "transfer-encoding", a connection-specific header, which HTTP/2 forbids'],
    [{ upgrade: 'h2c' }, 'connectors.otel.config.metadata.upgrade: expected a metadata name of your own, received "upgrade", a connection-specific header, which HTTP/2 forbids'],
    [{ 'keep-alive': '5' }, 'connectors.otel.config.metadata.keep-alive: expected a metadata name of your own, received "keep-alive", a connection-specific header, which HTTP/2 forbids'],
    [{ te: 'gzip' }, 'connectors.otel.config.metadata.te: expected a metadata name of your own, received "te", which this client sets itself'],
    [{ 'content-type': 'text/plain' }, 'connectors.otel.config.metadata.content-type: expected a metadata name of your own, received "content-type", which this client sets itself'],
    [{ 'grpc-timeout': '1S' }, 'connectors.otel.config.metadata.grpc-timeout: expected a metadata name of your own, received "grpc-timeout", which this client sets itself'],
    [{ 'grpc-status': '0' }, 'connectors.otel.config.metadata.grpc-status: expected a metadata name of your own, received "grpc-status", which gRPC reserves (grpc-*)'],
    [{ ':authority': 'x' }, 'connectors.otel.config.metadata[":authority"]: expected a metadata name of your own, received the pseudo-header ":authority", which HTTP/2 sets itself'],
    [{ 'X-Api-Key': 'k' }, 'connectors.otel.config.metadata.X-Api-Key: expected a lowercase header name (letters, digits, _ . -), received "X-Api-Key"'],
    [{ 'x-api-key': 'secret\r\nx-evil: 1' }, 'connectors.otel.config.metadata.x-api-key: expected a value of printable ASCII (a -bin name takes base64); the value is not shown'],
  ];
  for (const [metadata, expected] of cases) {
    const err = await startFlow(clientFlow('127.0.0.1:1', { metadata })).catch((e: Error) => e);
    assert.is((err as { code?: string }).code, 'ERR_CONFIG_INVALID', JSON.stringify(metadata));
    assert.ok((err as Error).message.includes(expected), (err as Error).message);
    assert.not.match((err as Error).message, 'secret');
  }
});

test.run();
