import { isIntegral, message, type Field, type MessageSchema } from './message-schema.js';

/**
 * The OTLP messages (opentelemetry-proto, collector services v1) as data, with Tremor's JSON names.
 * Tremor's JSON follows the protocol of early 2022: `instrumentation_library_spans` holding an
 * `instrumentation_library`, a span status with `deprecated_code`, a log record's `name`. The wire
 * layout of those is the current one's (`scope_spans` at field 2 holding a `scope` whose first two
 * fields are name and version), so one table reads both: the 2022 layout's duplicate at field 1000
 * is read too, and encoding takes the current JSON names (`scope_spans`, `scope`, `log_records`)
 * as well. Fields newer than that protocol show only when set, so Tremor's shape stays as it was.
 */

const f = (no: number, json: string, type: Field['type'], more: Omit<Field, 'no' | 'json' | 'type'> = {}): Field => ({ no, json, type, ...more });
const list = (no: number, json: string, type: Field['type'], more: Omit<Field, 'no' | 'json' | 'type'> = {}): Field => f(no, json, type, { repeated: true, ...more });

const notIntegral = (v: unknown): boolean => !isIntegral(v);

// common/v1, resource/v1
const Scope = message('InstrumentationScope', [
  f(1, 'name', 'string'),
  f(2, 'version', 'string'),
  f(3, 'attributes', 'attributes', { show: 'set' }),
  f(4, 'dropped_attributes_count', 'uint32', { show: 'set' }),
]);

const Resource = message('Resource', [f(1, 'attributes', 'attributes'), f(2, 'dropped_attributes_count', 'uint32')]);

/** `{ resource, <inner> list (field 2, and 1000 of the 2022 layout), schema_url }`. */
function resourceOf(name: string, inner: string, alias: string, scoped: MessageSchema): MessageSchema {
  return message(name, [
    f(1, 'resource', Resource, { show: 'present' }),
    list(2, inner, scoped, { aliases: [alias] }),
    list(1000, inner, scoped, { readOnly: true }),
    f(3, 'schema_url', 'string'),
  ]);
}

/** `{ instrumentation_library, <items> list, schema_url }`. */
function scopedOf(name: string, items: string, item: MessageSchema, itemAliases: readonly string[] = []): MessageSchema {
  return message(name, [
    f(1, 'instrumentation_library', Scope, { show: 'present', aliases: ['scope'] }),
    list(2, items, item, { aliases: itemAliases }),
    f(3, 'schema_url', 'string'),
  ]);
}

// trace/v1
const Status = message('Status', [f(1, 'deprecated_code', 'int32'), f(2, 'message', 'string'), f(3, 'code', 'int32')]);

const SpanEvent = message('Span.Event', [
  f(1, 'time_unix_nano', 'fixed64'),
  f(2, 'name', 'string'),
  f(3, 'attributes', 'attributes'),
  f(4, 'dropped_attributes_count', 'uint32'),
]);

const SpanLink = message('Span.Link', [
  f(1, 'trace_id', 'trace_id'),
  f(2, 'span_id', 'span_id'),
  f(3, 'trace_state', 'string'),
  f(4, 'attributes', 'attributes'),
  f(5, 'dropped_attributes_count', 'uint32'),
  f(6, 'flags', 'fixed32', { show: 'set' }),
]);

const Span = message('Span', [
  f(1, 'trace_id', 'trace_id'),
  f(2, 'span_id', 'span_id'),
  f(3, 'trace_state', 'string'),
  f(4, 'parent_span_id', 'span_id'),
  f(5, 'name', 'string'),
  f(6, 'kind', 'int32'),
  f(7, 'start_time_unix_nano', 'fixed64'),
  f(8, 'end_time_unix_nano', 'fixed64'),
  f(9, 'attributes', 'attributes'),
  f(10, 'dropped_attributes_count', 'uint32'),
  list(11, 'events', SpanEvent),
  f(12, 'dropped_events_count', 'uint32'),
  list(13, 'links', SpanLink),
  f(14, 'dropped_links_count', 'uint32'),
  f(15, 'status', Status, { absent: () => ({ code: 0, deprecated_code: 0, message: 'status code unset' }) }),
  f(16, 'flags', 'fixed32', { show: 'set' }),
]);

const ResourceSpans = resourceOf('ResourceSpans', 'instrumentation_library_spans', 'scope_spans', scopedOf('ScopeSpans', 'spans', Span));

// metrics/v1
const Exemplar = message('Exemplar', [
  f(7, 'filtered_attributes', 'attributes'),
  f(2, 'time_unix_nano', 'fixed64'),
  f(3, 'value', 'double', { show: 'present', accepts: notIntegral }),
  f(6, 'value', 'sfixed64', { show: 'present', accepts: isIntegral }),
  f(4, 'span_id', 'span_id'),
  f(5, 'trace_id', 'trace_id'),
]);

const NumberDataPoint = message('NumberDataPoint', [
  f(7, 'attributes', 'attributes', { aliases: ['labels'] }),
  f(2, 'start_time_unix_nano', 'fixed64'),
  f(3, 'time_unix_nano', 'fixed64'),
  f(4, 'value', 'double', { show: 'present', accepts: notIntegral }),
  f(6, 'value', 'sfixed64', { show: 'present', accepts: isIntegral }),
  list(5, 'exemplars', Exemplar),
  f(8, 'flags', 'uint32'),
]);

const HistogramDataPoint = message('HistogramDataPoint', [
  f(9, 'attributes', 'attributes', { aliases: ['labels'] }),
  f(2, 'start_time_unix_nano', 'fixed64'),
  f(3, 'time_unix_nano', 'fixed64'),
  f(4, 'count', 'fixed64'),
  f(5, 'sum', 'double'),
  list(6, 'bucket_counts', 'fixed64'),
  list(7, 'explicit_bounds', 'double'),
  list(8, 'exemplars', Exemplar),
  f(10, 'flags', 'uint32'),
  f(11, 'min', 'double', { show: 'present' }),
  f(12, 'max', 'double', { show: 'present' }),
]);

const Buckets = message('ExponentialHistogramDataPoint.Buckets', [f(1, 'offset', 'sint32'), list(2, 'bucket_counts', 'uint64')]);

const ExponentialHistogramDataPoint = message('ExponentialHistogramDataPoint', [
  f(1, 'attributes', 'attributes'),
  f(2, 'start_time_unix_nano', 'fixed64'),
  f(3, 'time_unix_nano', 'fixed64'),
  f(4, 'count', 'fixed64'),
  f(5, 'sum', 'double'),
  f(6, 'scale', 'sint32'),
  f(7, 'zero_count', 'fixed64'),
  f(8, 'positive', Buckets),
  f(9, 'negative', Buckets),
  f(10, 'flags', 'uint32'),
  list(11, 'exemplars', Exemplar),
  f(12, 'min', 'double', { show: 'present' }),
  f(13, 'max', 'double', { show: 'present' }),
  f(14, 'zero_threshold', 'double'),
]);

const ValueAtQuantile = message('SummaryDataPoint.ValueAtQuantile', [f(1, 'quantile', 'double'), f(2, 'value', 'double')]);

const SummaryDataPoint = message('SummaryDataPoint', [
  f(7, 'attributes', 'attributes', { aliases: ['labels'] }),
  f(2, 'start_time_unix_nano', 'fixed64'),
  f(3, 'time_unix_nano', 'fixed64'),
  f(4, 'count', 'fixed64'),
  f(5, 'sum', 'double'),
  list(6, 'quantile_values', ValueAtQuantile),
  f(8, 'flags', 'uint32'),
]);

const points = (point: MessageSchema): Field => list(1, 'data_points', point);
const temporality = f(2, 'aggregation_temporality', 'int32');

const Metric = message('Metric', [
  f(1, 'name', 'string'),
  f(2, 'description', 'string'),
  f(3, 'unit', 'string'),
  f(5, 'gauge', message('Gauge', [points(NumberDataPoint)]), { into: 'data' }),
  f(7, 'sum', message('Sum', [points(NumberDataPoint), temporality, f(3, 'is_monotonic', 'bool')]), { into: 'data' }),
  f(9, 'histogram', message('Histogram', [points(HistogramDataPoint), temporality]), { into: 'data' }),
  f(10, 'exponential_histogram', message('ExponentialHistogram', [points(ExponentialHistogramDataPoint), temporality]), { into: 'data' }),
  f(11, 'summary', message('Summary', [points(SummaryDataPoint)]), { into: 'data' }),
  f(12, 'metadata', 'attributes', { show: 'set' }),
]);

const ResourceMetrics = resourceOf('ResourceMetrics', 'instrumentation_library_metrics', 'scope_metrics', scopedOf('ScopeMetrics', 'metrics', Metric));

// logs/v1
const LogRecord = message('LogRecord', [
  f(1, 'time_unix_nano', 'fixed64'),
  f(11, 'observed_time_unix_nano', 'fixed64', { show: 'set' }),
  f(2, 'severity_number', 'int32'),
  f(3, 'severity_text', 'string'),
  f(4, 'name', 'string'),
  f(5, 'body', 'any'),
  f(6, 'attributes', 'attributes'),
  f(7, 'dropped_attributes_count', 'uint32'),
  f(8, 'flags', 'fixed32'),
  f(9, 'trace_id', 'trace_id'),
  f(10, 'span_id', 'span_id'),
  f(12, 'event_name', 'string', { show: 'set' }),
]);

const ResourceLogs = resourceOf('ResourceLogs', 'instrumentation_library_logs', 'scope_logs', scopedOf('ScopeLogs', 'logs', LogRecord, ['log_records']));

/** The three OTLP signals: the gRPC method of each, and its request as Tremor's JSON `{ <key>: [...] }`. */
export interface Signal {
  /** The JSON key of events of this signal, and the name of its switch in the config. */
  readonly key: 'trace' | 'metrics' | 'logs';
  readonly path: string;
  readonly request: MessageSchema;
}

const service = (pkg: string, name: string): string => `/opentelemetry.proto.collector.${pkg}.v1.${name}/Export`;

export const SIGNALS: readonly Signal[] = [
  { key: 'trace', path: service('trace', 'TraceService'), request: message('ExportTraceServiceRequest', [list(1, 'trace', ResourceSpans)]) },
  { key: 'metrics', path: service('metrics', 'MetricsService'), request: message('ExportMetricsServiceRequest', [list(1, 'metrics', ResourceMetrics)]) },
  { key: 'logs', path: service('logs', 'LogsService'), request: message('ExportLogsServiceRequest', [list(1, 'logs', ResourceLogs)]) },
];
