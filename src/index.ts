/**
 * tremolo's library: the SDK that plugins build against (define helpers, events, errors, logger,
 * registries, reusable I/O parts), the expression fields of the language, and the entry points that
 * load and run flows.
 */
// The SDK.
export { defineConnector, inPorts, outPorts, DEFAULT_IN_PORTS, DEFAULT_OUT_PORTS } from './sdk/connector-api.js';
export type { CloseCause, CodecNeed, ConnectorContext, ConnectorDefinition, ConnectorInstance, ConnectorPorts, SourceStream } from './sdk/connector-api.js';
export { defineCodec } from './sdk/codec-api.js';
export type { Codec, CodecDefinition, Frame } from './sdk/codec-api.js';
export { defineProcessor } from './sdk/processor-api.js';
export type { Processor, ProcessorDefinition, ProcessorOutput } from './sdk/processor-api.js';
export { defineOperator, operatorOutputs } from './sdk/operator-api.js';
export type { OperatorContext, OperatorDefinition, StreamStart } from './sdk/operator-api.js';
export { defineServerExtension } from './sdk/server-extension.js';
export type { ServerExtension, ServerExtensionContext, ServerExtensionDefinition, ServerSession, SessionDelivery } from './sdk/server-extension.js';
export { stageOperator, stageOf, type Stage, type StageFactory, type StageIO, type StageTarget } from './sdk/stage.js';
export { RuntimeError, isRuntimeError, reason, quote, ERROR_CODES, type ErrorCode, type RuntimeErrorOptions } from './sdk/errors.js';
export { errorData, type ErrorData } from './sdk/error-data.js';
export { typeName, type TypeName } from './sdk/values.js';
export type { TremoloEvent, Meta, Origin, Outcome, Settlement, BatchItem } from './sdk/event.js';
export { createEvent, deriveEvent, aggregateEvent, mergeOrigins, withReceipt, batchParts, Receipt, Transaction } from './sdk/event.js';
export { createLogger, memoryLogger, LOG_LEVELS, type Logger, type LogLevel, type LogFields, type LogSink, type LogOptions } from './sdk/logger.js';
export type { FlowState, FlowStatus } from './sdk/flow-status.js';
export { Registry } from './sdk/registry.js';
export { createRegistries, childRegistries, registerDefinition, type Registries } from './sdk/registries.js';
export { NAME_PATTERN } from './sdk/names.js';
export { redactUrl, redactUrls, redactValues, REDACTED } from './sdk/redact.js';
export { didYouMean, nearest } from './sdk/suggest.js';
export { BoundedQueue } from './sdk/bounded-queue.js';

// Reusable I/O parts: what Tremor's ChannelSink and StreamWriter are to its connectors.
export { listen } from './sdk/io/socket-listen.js';
export { SocketOptionsSchema, applySocketOptions, reusePortSupported, type SocketOptions } from './sdk/io/socket-options.js';
export { ServerTlsSchema, ClientTlsSchema, loadServerTls, loadClientTls, type ServerTls, type ClientTls, type ClientTlsOptions } from './sdk/io/tls.js';
export { formatHostPort, parseWsUrl, type WsAddress } from './sdk/io/ws-url.js';
export { parseHostPort, type HostPort } from './sdk/io/socket-url.js';
export { routeReply, hostPortPeers, type ReplyRoutes } from './sdk/io/reply-routing.js';
export { ReplyStreams } from './sdk/io/reply-streams.js';
export { Outlet } from './sdk/io/outlet.js';
export { waterMarksSchema, checkWaterMarks, type OutletTransport, type WaterMarks, type SlowConsumer, type SlowPolicy } from './sdk/io/water-marks.js';
export { SocketOutlet, BYTE_STREAM } from './sdk/io/socket-io.js';
export { framer, type HeaderResult } from './sdk/io/framer.js';
export { ByteQueue } from './sdk/io/byte-queue.js';
export { holdsSources, clientPolicy } from './sdk/io/slow-consumer.js';
export { outbound, type OutboundBudget } from './sdk/io/outbound-budget.js';
export { PerAddressLimit } from './sdk/io/per-address-limit.js';
export { redactHeaders, redactQuery, isSecretName } from './sdk/io/credential-redaction.js';
export { hashPassword, isPasswordHash, verifyPassword } from './sdk/auth/passwords.js';
export { AuthSchema, JwtSchema, type AuthConfig, type JwtConfig } from './sdk/auth/schema.js';
export { createAuthenticator, type Authenticator, type AuthResult, type Identity } from './sdk/auth/authenticate.js';
export { HandshakeSchema, HandshakeGuard, type HandshakeConfig } from './sdk/auth/handshake-guard.js';
export { parseRequestTarget, type RequestTarget } from './sdk/http/request-target.js';
export { WalSegments } from './sdk/wal/wal-segments.js';
export { encodeRecord, scanRecords, type WalRecord } from './sdk/wal/wal-record.js';

// The language's fields, helpers of built-in operators, and the entry points.
export * as fields from './lang/fields.js';
export { perEvent } from './kinds/operators/shared/per-event.js';
export { jsonRpcOperator } from './kinds/jsonrpc/operator.js';
export { JsonRpcError, type Method, type MethodContext, type Methods } from './kinds/jsonrpc/protocol.js';
export { Flow, type FlowOptions } from './engine/flow.js';
export type { FlowModel } from './engine/model.js';
export { Runtime, type RunOptions } from './app/runtime.js';
export { builtins } from './app/builtins/registries.js';
export { loadFlow, loadFlowObject, checkFlow, checkFlowObject, type LoadOptions } from './app/load.js';
export { formatProblem, type Problem } from './loader/problems.js';
export { flowJsonSchema } from './app/docs/json-schema.js';
