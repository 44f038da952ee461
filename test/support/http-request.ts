import http from 'node:http';
import https from 'node:https';

export interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

export interface RequestOptions {
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** PEM of the CA to trust (https with a throw-away certificate). */
  readonly ca?: Buffer | string;
  readonly timeoutMs?: number;
}

/**
 * One HTTP(S) request on its own connection (nothing kept alive behind the test's back), bounded in
 * time, its whole response read.
 */
export function httpRequest(url: string, options: RequestOptions = {}): Promise<Reply> {
  const timeoutMs = options.timeoutMs ?? 2000;
  return new Promise((resolve, reject) => {
    const secure = url.startsWith('https:');
    const req = (secure ? https : http).request(url, {
      method: options.method ?? 'GET',
      headers: options.headers,
      agent: false,
      ...(options.ca === undefined ? {} : { ca: options.ca }),
    });
    const timer = setTimeout(() => req.destroy(new Error(`no response from ${url} within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() });
      });
    });
    req.end(options.body);
  });
}
