import { statusOf, type RawReply } from '../support/raw.js';
import { show, type Attack, type Family, type PayloadFamily } from './attack.js';
import type { Random } from './random.js';

/**
 * Malformed HTTP/1.1 requests: bad percent-escapes, bad absolute-form targets, odd request lines,
 * huge, many and odd headers, body framing tricks, junk that is no HTTP at all, slow drips.
 */
export interface HttpTarget {
  readonly port: number;
  /** A path the server serves (or accepts an upgrade on). */
  readonly path: string;
  /** Header lines every request carries (credentials). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Bodies to send with a Content-Type (a codec of the flow claims it). */
  readonly bodies?: readonly { readonly contentType: string; readonly payloads: readonly PayloadFamily[] }[];
}

const CRLF = '\r\n';

const head = (t: HttpTarget, line: string, extra: readonly string[] = []): string =>
  [line, `Host: 127.0.0.1:${t.port}`, ...Object.entries(t.headers ?? {}).map(([k, v]) => `${k}: ${v}`), ...extra, 'Connection: close', '', ''].join(CRLF);

/** A 4xx (or no answer at all, the connection closed): never a 5xx, never a hang. */
export const refused = (reply: RawReply): string | undefined => {
  const status = statusOf(reply.reply);
  if (reply.reply === '' && reply.closedByServer) return undefined;
  if (status >= 400 && status < 500) return undefined;
  return `expected a 4xx or a closed connection, received ${show(reply.reply, 80)}${reply.closedByServer ? '' : ' and the connection stayed open'}`;
};

/**
 * Any complete answer but a 5xx other than 503 / 504 (a flow may be slow or stopping), or a close.
 * One 500 is the flow's, not the server's: an echo whose answer its codec cannot write (JSON nested
 * deeper than JSON.stringify can go) is answered "500 ...: the response could not be encoded".
 */
export const answered = (reply: RawReply): string | undefined => {
  const status = statusOf(reply.reply);
  if (reply.reply === '' && reply.closedByServer) return undefined;
  if (status === 0) return `expected an HTTP response or a closed connection, received ${show(reply.reply, 80)}`;
  if (status === 500 && reply.reply.endsWith('500 Internal Server Error: the response could not be encoded\n')) return undefined;
  if (status >= 500 && status !== 503 && status !== 504) return `answered ${status}: ${show(reply.reply, 120)}`;
  return undefined;
};

/** `answered`, or still reading a request we did not finish sending when we hung up (its timeout is the server's). */
const answeredOrWaiting = (reply: RawReply): string | undefined => (reply.reply === '' && !reply.closedByServer ? undefined : answered(reply));

const BAD_ESCAPES = ['%zz', '%', '%%', '%E0%A4%A', '%ff%fe%fd', '%c0%af', '%00', '..%2f..%2fetc%2fpasswd', 'a%2', '%uD800', '%ED%A0%80', '%F4%90%80%80', '%25%', '%%32%65'];
const BAD_ABSOLUTE = ['http://[/', 'http://[::1/', 'http://%zz/', 'http://a b/', 'http://:99999/', 'http://x:99999999999/', 'ftp://x/', 'http:/', 'http://', 'http://@/', 'http://[::1]:x/', 'https://[ /', 'ws://[/', 'http://\u0000/', 'http://[fe80::1%zz]/', 'http://xn--/', 'http://%E0%A4%A/', 'file:///etc/passwd'];
const ODD_TARGETS = ['*', '//x', '?', '#', 'x', '/?%zz=%zz', '/#%zz', '/\\..\\..\\', '/%2e%2e/%2e%2e/', '/;/'];

export const httpFamilies = (t: HttpTarget): Family[] => [
  (rng) => {
    const target = `${t.path.replace(/\/$/, '')}/${rng.pick(BAD_ESCAPES)}${rng.chance(0.5) ? rng.text(rng.int(8)) : ''}`;
    return { name: `http: bad percent-escape GET ${show(target)}`, chunks: [head(t, `GET ${target.replace(/ /g, '%20')} HTTP/1.1`)], expect: answered };
  },
  (rng) => {
    const target = `${rng.pick(BAD_ABSOLUTE)}${rng.chance(0.3) ? rng.text(rng.int(6)).replace(/ /g, '') : ''}`;
    return { name: `http: bad absolute-form target GET ${show(target)}`, chunks: [head(t, `GET ${target} HTTP/1.1`)], expect: answered };
  },
  (rng) => {
    const target = rng.chance(0.3) ? `/${'a'.repeat(rng.between(4000, 20000))}` : rng.chance(0.5) ? rng.pick(ODD_TARGETS) : `/${rng.bytes(rng.between(1, 40)).toString('latin1').replace(/[\s\r\n]/g, '_')}`;
    return { name: `http: odd request-target ${show(target)}`, chunks: [head(t, `GET ${target} HTTP/1.1`)], expect: answered };
  },
  (rng) => {
    const method = rng.pick(['get', 'CONNECT', 'OPTIONS', 'TRACE', 'PROPFIND', 'M'.repeat(rng.between(100, 2000)), 'G(E)T', 'PATCH', 'DELETE', 'HEAD', 'PUT']);
    const target = method === 'CONNECT' ? `127.0.0.1:${t.port}` : rng.chance(0.2) ? '*' : t.path;
    return { name: `http: method ${show(method)} ${target}`, chunks: [head(t, `${method} ${target} HTTP/1.1`, ['Content-Length: 0'])], expect: answered };
  },
  (rng) => {
    const line = rng.pick([`GET ${t.path} HTTP/2.0`, `GET ${t.path} HTTP/1.2`, `GET ${t.path} HTTP/0.9`, `GET ${t.path} HTTX/1.1`, `GET ${t.path}`, `GET  ${t.path}  HTTP/1.1`, `GET\t${t.path}\tHTTP/1.1`, 'GET', ' ', `GET ${t.path} HTTP/1.1 extra`]);
    return { name: `http: request line ${show(line)}`, chunks: [head(t, line)], expect: answered };
  },
  (rng) => {
    const size = rng.between(17_000, 120_000);
    const name = rng.pick(['X-Big', 'Cookie', 'Authorization', 'Accept', 'Content-Type', 'Host', 'Sec-WebSocket-Protocol']);
    return { name: `http: a ${size}-byte ${name} header`, chunks: [head(t, `GET ${t.path} HTTP/1.1`, [`${name}: ${'b'.repeat(size)}`])], expect: refused };
  },
  (rng) => {
    const n = rng.between(500, 4000);
    const lines = Array.from({ length: n }, (_, i) => `X-H${i}: ${i}`);
    return { name: `http: ${n} headers`, chunks: [head(t, `GET ${t.path} HTTP/1.1`, lines)], expect: answered };
  },
  (rng) => {
    const odd = rng.pick([
      'X-Fold: a\r\n  folded',
      'X-Nul: a\u0000b',
      'Bad Name: x',
      'no-colon-here',
      `X-High: ${Buffer.from([0xc3, 0x28, 0xff, 0xfe]).toString('latin1')}`,
      'Host: [',
      'Host: %zz',
      'Host: a b',
      'Host:',
      'Host: [::1',
      'Host: 127.0.0.1:99999',
      'Content-Type: application/json; charset=%zz',
      'Content-Type: ;;;',
      'Accept: application/json;q=abc, */*;q=1e999, ;;;',
      'Authorization: Basic %%%',
      `Authorization: Basic ${Buffer.from('no colon').toString('base64')}`,
      `Authorization: Basic ${Buffer.from([0xff, 0x3a, 0xfe]).toString('base64')}`,
      'Authorization: Bearer a.b.c',
      `Authorization: Bearer ${rng.text(2000)}`,
      'Authorization: Digest x',
      'Authorization:',
      'Origin: %zz',
      'Origin: null',
      `Cookie: ${rng.text(200)}`,
      'Expect: 100-continue',
      'Expect: something-else',
      'Connection: upgrade, close, keep-alive',
      'Upgrade: h2c',
      'Transfer-Encoding: gzip',
      'Content-Encoding: gzip',
      'Content-Length: 0, 1',
    ]);
    return { name: `http: header line ${show(odd)}`, chunks: [head(t, `GET ${t.path} HTTP/1.1`, [odd])], expect: answered };
  },
  (rng) => {
    const which = rng.int(7);
    const base = `POST ${t.path} HTTP/1.1`;
    const cases: [string, string][] = [
      ['Content-Length and Transfer-Encoding both', head(t, base, ['Content-Length: 5', 'Transfer-Encoding: chunked']) + '0\r\n\r\n'],
      ['a negative Content-Length', head(t, base, ['Content-Length: -5'])],
      ['a huge Content-Length', head(t, base, ['Content-Length: 99999999999999999999'])],
      ['a chunk size that is no number', head(t, base, ['Transfer-Encoding: chunked']) + 'zz\r\nabc\r\n0\r\n\r\n'],
      ['a huge chunk size', head(t, base, ['Transfer-Encoding: chunked']) + 'ffffffffffffffff\r\nabc'],
      ['a body shorter than its Content-Length', head(t, base, ['Content-Length: 1000']) + '{"a":'],
      ['chunk extensions and trailers of junk', head(t, base, ['Transfer-Encoding: chunked']) + `2;${rng.text(50).replace(/[\r\n]/g, '')}\r\n{}\r\n0\r\nX-T: ${rng.text(20).replace(/[\r\n]/g, '')}\r\n\r\n`],
    ];
    const [name, bytes] = cases[which]!;
    return { name: `http: ${name}`, chunks: [bytes], expect: answeredOrWaiting, keepOpenMs: 500, timeoutMs: 3000 };
  },
  (rng) => {
    const kind = rng.int(6);
    const cases: [string, Buffer | string][] = [
      ['random bytes', rng.bytes(rng.between(1, 8192))],
      ['a TLS ClientHello on a plain port', Buffer.from('16030100a5010000a10303' + '00'.repeat(32) + '0000' + '2000000000', 'hex')],
      ['the HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'],
      ['a truncated request line', `GET ${t.path} HT`],
      ['a flood of blank lines', '\r\n'.repeat(rng.between(100, 5000))],
      ['bare line feeds', `GET ${t.path} HTTP/1.1\nHost: x\n\n`],
    ];
    const [name, bytes] = cases[kind]!;
    return { name: `http: ${name}`, chunks: [bytes], timeoutMs: 3000, keepOpenMs: kind === 3 ? 300 : 0 };
  },
  (rng) => {
    // A slow drip: a request's bytes a few at a time, then hung up on before it is complete.
    const text = head(t, `GET ${t.path} HTTP/1.1`, [`X-Drip: ${rng.text(40).replace(/[\r\n]/g, '')}`]);
    const parts = rng.between(4, 12);
    const cut = rng.between(1, text.length - 1);
    const step = Math.ceil(cut / parts);
    const chunks = Array.from({ length: Math.ceil(cut / step) }, (_, i) => text.slice(i * step, Math.min(cut, (i + 1) * step)));
    return { name: `http: a request dripped in ${chunks.length} pieces, then abandoned`, chunks, dripMs: rng.between(20, 60), keepOpenMs: 100, timeoutMs: 3000 };
  },
  ...(t.bodies ?? []).map(
    ({ contentType, payloads }): Family =>
      (rng: Random) => {
        const p = rng.pick(payloads)(rng);
        return {
          name: `http: POST ${contentType} ${p.name}`,
          chunks: [head(t, `POST ${t.path} HTTP/1.1`, [`Content-Type: ${contentType}`, `Content-Length: ${p.data.length}`]), p.data],
          expect: answered,
          timeoutMs: 5000,
        };
      },
  ),
];
