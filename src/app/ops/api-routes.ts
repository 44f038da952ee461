import type http from 'node:http';

/**
 * The status API's routes: a method, a path pattern whose `:name` segments capture, and a handler.
 * A route added later (a page, another view) is one more entry; `ApiServer.route` adds it.
 *
 *   { method: 'GET', path: '/v1/flows/:flow', handle: ({ params }) => json(200, ...) }
 */
export interface ApiReply {
  readonly status: number;
  /** A string or bytes go out as they are, with `type`; anything else as JSON. */
  readonly body: unknown;
  readonly type?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface ApiRequest {
  readonly req: http.IncomingMessage;
  /** The captured `:name` segments, percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
}

export interface ApiRoute {
  readonly method: 'GET' | 'PATCH' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  handle(request: ApiRequest): ApiReply | Promise<ApiReply>;
}

export const json = (status: number, body: unknown): ApiReply => ({ status, body });

/** An error a handler throws to answer with a status of its choosing. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** The decoded segments of a path; an ApiError 400 when one is not valid percent-encoding. */
export function segments(pathname: string): string[] {
  return pathname
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        throw new ApiError(400, `the path ${JSON.stringify(pathname.length > 200 ? `${pathname.slice(0, 200)}…` : pathname)} is not valid percent-encoding`);
      }
    });
}

export type Match = { readonly route: ApiRoute; readonly params: Record<string, string> } | { readonly allow: readonly string[] } | undefined;

/** The route for `method` at `parts`; else the methods the path has (a 405), else undefined (a 404). */
export function match(routes: readonly ApiRoute[], method: string, parts: readonly string[]): Match {
  const allow: string[] = [];
  for (const route of routes) {
    const params = capture(route.path, parts);
    if (params === undefined) continue;
    if (route.method === method || (method === 'HEAD' && route.method === 'GET')) return { route, params };
    allow.push(route.method);
  }
  return allow.length === 0 ? undefined : { allow };
}

function capture(pattern: string, parts: readonly string[]): Record<string, string> | undefined {
  const want = pattern.split('/').filter((s) => s !== '');
  if (want.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    if (w.startsWith(':')) params[w.slice(1)] = parts[i]!;
    else if (w !== parts[i]) return undefined;
  }
  return params;
}
