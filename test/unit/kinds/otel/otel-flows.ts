import http2 from 'node:http2';
import { startFlow, type TestFlow } from '../../../../src/app/testing/index.js';

/** An otel_server whose requests go through a pipeline to a sink, so that each is delivered (and answered OK). */
export const serverFlow = (config: object = {}): object => ({
  use: ['std'],
  connectors: { otel: { type: 'otel_server', config: { url: '127.0.0.1:0', ...config } }, sink: { type: 'null' } },
  pipelines: { pass: { from: 'std::passthrough' } },
  links: [
    ['otel', 'pass'],
    ['pass', 'sink'],
  ],
});

/** Runs `body` with such a flow and its server's http:// address, and stops the flow after. */
export async function withServer(config: object, body: (flow: TestFlow, url: string) => Promise<void>): Promise<void> {
  const flow = await startFlow(serverFlow(config));
  try {
    await body(flow, flow.address('otel'));
  } finally {
    await flow.stop();
  }
}

export const TRACE = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

export interface Answer {
  readonly http: number;
  readonly status: string | undefined;
  readonly message: string;
  readonly body: Buffer;
}

/** One raw HTTP/2 request, answered within 5 s: the HTTP status, grpc-status and grpc-message, from headers or trailers. */
export function call(url: string, body: Buffer, headers: http2.OutgoingHttpHeaders = {}, path = TRACE): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(url);
    session.on('error', reject);
    const timer = setTimeout(() => reject(new Error('no answer within 5 s')), 5000);
    const req = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers', ...headers });
    let http = 0;
    let status: string | undefined;
    let message = '';
    const chunks: Buffer[] = [];
    const take = (h: http2.IncomingHttpHeaders): void => {
      if (h['grpc-status'] !== undefined) status = String(h['grpc-status']);
      if (h['grpc-message'] !== undefined) message = decodeURIComponent(String(h['grpc-message']));
    };
    req.on('response', (h) => {
      http = Number(h[':status']);
      take(h);
    });
    req.on('trailers', take);
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', () => {});
    req.on('close', () => {
      clearTimeout(timer);
      session.close();
      resolve({ http, status, message, body: Buffer.concat(chunks) });
    });
    req.end(body);
  });
}

export const prefixed = (flag: number, length: number, payload: Buffer = Buffer.alloc(0)): Buffer => {
  const head = Buffer.alloc(5);
  head[0] = flag;
  head.writeUInt32BE(length, 1);
  return Buffer.concat([head, payload]);
};
