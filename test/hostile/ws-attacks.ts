import { closeAfterUpgrade, frame, statusOf, type RawReply } from '../support/raw.js';
import { upgradeRequest } from '../support/ws-handshake.js';
import { show, type Family, type PayloadFamily } from './attack.js';
import type { Random } from './random.js';

/**
 * WebSocket attacks: odd handshakes, then, after a valid handshake, frames that break RFC 6455
 * (reserved bits, unknown opcodes, lone continuations, fragmented or oversized control frames,
 * invalid UTF-8, lying lengths, unmasked frames, bad close codes) and well-formed frames carrying
 * the payloads the target's codec meets.
 */
export interface WsTarget {
  readonly port: number;
  /** A path the server accepts a WebSocket on. */
  readonly path: string;
  /** Header lines of a handshake that succeeds (credentials). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Hostile payloads in well-formed frames, sent as text (`text: true`) or binary frames. */
  readonly payloads?: readonly { readonly text: boolean; readonly family: PayloadFamily }[];
  /**
   * A gateway: each connection has an upstream, and closes 1000 "upstream closed", or 1014
   * "upstream failed" / "upstream unreachable", when that goes first (a busy upstream refuses connections), which may come before the
   * close a broken frame would get.
   */
  readonly upstream?: boolean;
}

const upgrade = (t: WsTarget): string => upgradeRequest(t.path, t.headers, `127.0.0.1:${t.port}`);

/** The server closed with one of `codes` (a 1006-style drop, no close frame, also passes when `orDrop`). */
const closedWith =
  (codes: readonly number[], orDrop = false, upstream = false) =>
  (r: RawReply): string | undefined => {
    if (statusOf(r.reply) !== 101) return `expected the handshake to succeed, received ${show(r.reply, 80)}`;
    const { code, reason } = closeAfterUpgrade(r.reply);
    if (codes.includes(code)) return undefined;
    if (upstream && (code === 1000 || code === 1014) && reason.startsWith('upstream ')) return undefined;
    if (orDrop && code === 0 && r.closedByServer) return undefined;
    return `expected close code ${codes.join(' or ')}, received ${code === 0 ? (r.closedByServer ? 'a drop without a close frame' : 'none (still open)') : `${code} ${JSON.stringify(reason)}`}`;
  };

/**
 * The handshake succeeded (what follows is the server's business: an answer, a close), or we hung
 * up before the server said anything (a loaded machine answers late; that is no failure of it).
 */
const upgraded = (r: RawReply): string | undefined =>
  statusOf(r.reply) === 101 || (r.reply === '' && !r.closedByServer) ? undefined : `expected the handshake to succeed, received ${show(r.reply, 80)}`;

/** The handshake was refused with a 4xx, or the connection dropped. */
const handshakeRefused = (r: RawReply): string | undefined => {
  const status = statusOf(r.reply);
  if ((status >= 400 && status < 500) || (r.reply === '' && r.closedByServer)) return undefined;
  return `expected the handshake refused with a 4xx, received ${show(r.reply, 80)}`;
};

const ODD_HANDSHAKES: readonly [string, Readonly<Record<string, string>>, 'refused' | 'any'][] = [
  ['Sec-WebSocket-Version 7 (ws speaks 8 and 13)', { 'Sec-WebSocket-Version': '7' }, 'refused'],
  ['a Sec-WebSocket-Version that is no number', { 'Sec-WebSocket-Version': 'x13' }, 'refused'],
  ['a Sec-WebSocket-Key of 3 bytes', { 'Sec-WebSocket-Key': 'YWJj' }, 'refused'],
  ['a Sec-WebSocket-Key that is no base64', { 'Sec-WebSocket-Key': '%%%%%%%%%%%%%%%%%%%%%%%%' }, 'refused'],
  ['an empty Sec-WebSocket-Protocol list', { 'Sec-WebSocket-Protocol': ',,, ,' }, 'any'],
  ['a Sec-WebSocket-Protocol of junk', { 'Sec-WebSocket-Protocol': '(){}<>@' }, 'any'],
  ['permessage-deflate with bad parameters', { 'Sec-WebSocket-Extensions': 'permessage-deflate; client_max_window_bits=99; server_max_window_bits' }, 'any'],
  ['Sec-WebSocket-Extensions of junk', { 'Sec-WebSocket-Extensions': ';;;=,=' }, 'any'],
  ['an Origin of junk', { Origin: '%zz://[' }, 'any'],
];

export const wsFamilies = (t: WsTarget): Family[] => {
  const open = upgrade(t);
  const closed = (codes: readonly number[], orDrop = false) => closedWith(codes, orDrop, t.upstream === true);
  const after = (name: string, bytes: Buffer | Buffer[], expect: (r: RawReply) => string | undefined, extra: { dripMs?: number; keepOpenMs?: number } = {}) => ({
    name: `ws: ${name}`,
    chunks: [open, ...(Array.isArray(bytes) ? bytes : [bytes])],
    expect,
    timeoutMs: 4000,
    keepOpenMs: extra.keepOpenMs ?? 0,
    ...(extra.dripMs === undefined ? {} : { dripMs: extra.dripMs }),
  });
  const families: Family[] = [
    (rng) => {
      const [name, headers, outcome] = rng.pick(ODD_HANDSHAKES);
      // The handshake headers given override the good ones: drop those first.
      const lines = open.split('\r\n').filter((l) => !Object.keys(headers).some((h) => l.toLowerCase().startsWith(`${h.toLowerCase()}:`)));
      const request = lines.slice(0, -2).concat(Object.entries(headers).map(([k, v]) => `${k}: ${v}`), '', '').join('\r\n');
      // A refusal is waited for (credentials take a while to check); an accepted oddity is left after a moment.
      return { name: `ws: handshake with ${name}`, chunks: [request], expect: outcome === 'refused' ? handshakeRefused : undefined, timeoutMs: 4000, keepOpenMs: outcome === 'refused' ? 0 : 300 };
    },
    (rng) => {
      const path = rng.pick([`${t.path}%zz`, `${t.path}/%`, `${t.path}?access_token=%zz`, `${t.path}?%E0%A4%A`, `${t.path}/%00`, `${t.path}/..%2f..%2f`]);
      const request = open.replace(`GET ${t.path} `, `GET ${path} `);
      return { name: `ws: handshake on ${show(path)}`, chunks: [request], timeoutMs: 3000, keepOpenMs: 300 };
    },
    (rng) => {
      // An absolute-form target that is no URL, such as `GET http://[/ HTTP/1.1`: Node passes it on as it is.
      const path = `${rng.pick(['http://[', 'http://%zz', 'ws://[', '//['])}${t.path}`;
      const request = open.replace(`GET ${t.path} `, `GET ${path} `);
      // Refused, or (the target's path is the server's business) accepted: never a 5xx or a crash.
      // (A loaded machine may still be checking the credentials when we give up: no failure either.)
      const outcome = (r: RawReply): string | undefined => (statusOf(r.reply) === 101 || (r.reply === '' && !r.closedByServer) ? undefined : handshakeRefused(r));
      return { name: `ws: handshake on ${show(path)}`, chunks: [request], expect: outcome, timeoutMs: 4000, keepOpenMs: 1500 };
    },
    (rng) => {
      const rsv = rng.pick([0x40, 0x20, 0x10, 0x70]);
      return after(`reserved bits 0x${rsv.toString(16)} set`, frame(1, Buffer.from('hi'), { rsv }), closed([1002]));
    },
    (rng) => {
      const opcode = rng.pick([3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf]);
      return after(`unknown opcode ${opcode}`, frame(opcode, rng.bytes(rng.int(20))), closed([1002]));
    },
    (rng) => after('a continuation frame with nothing to continue', frame(0, rng.bytes(rng.between(1, 30))), closed([1002])),
    (rng) => after('a fragmented ping', frame(9, rng.bytes(4), { fin: false }), closed([1002])),
    (rng) => after('a control frame over 125 bytes', frame(rng.pick([8, 9, 10]), rng.bytes(rng.between(126, 400))), closed([1002])),
    (rng) => {
      const bad = rng.pick([Buffer.from([0xff, 0xfe]), Buffer.from([0xc3, 0x28]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xf4, 0x90, 0x80, 0x80]), Buffer.from([0xe2, 0x82])]);
      if (rng.chance(0.5)) return after(`invalid UTF-8 ${bad.toString('hex')} in a text frame`, frame(1, Buffer.concat([Buffer.from('ok '), bad])), closed([1007]));
      // The bad sequence split over two fragments.
      return after(
        `invalid UTF-8 ${bad.toString('hex')} across fragments`,
        [frame(1, Buffer.concat([Buffer.from('ok'), bad.subarray(0, 1)]), { fin: false }), frame(0, bad.subarray(1))],
        closed([1007]),
      );
    },
    (rng) => {
      const declared = rng.pick([2n ** 63n - 1n, 2n ** 53n, 2n ** 32n, 0x7fffffffn]);
      return after(`a frame declaring ${declared} bytes`, frame(2, rng.bytes(16), { declaredLength: declared }), closed([1009, 1002], true));
    },
    (rng) => after('an unmasked client frame', frame(1, Buffer.from(rng.text(10)), { masked: false }), closed([1002])),
    (rng) => {
      const code = rng.pick([0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535]);
      const payload = Buffer.alloc(2);
      payload.writeUInt16BE(code);
      return after(`a close frame with code ${code}`, frame(8, payload), closed([1002]));
    },
    () => after('a close frame of one byte', frame(8, Buffer.from([3])), closed([1002])),
    () => after('a close frame with an invalid UTF-8 reason', frame(8, Buffer.from([0x03, 0xe8, 0xff, 0xfe])), closed([1007, 1002])),
    (rng) => {
      // ws answers each ping, and terminates a connection with more than 60 answers waiting to go
      // out (maxPendingAutoPongs): a flood may be cut, before or after the 101 is out.
      const n = rng.between(50, 400);
      const cutOrUpgraded = (r: RawReply): string | undefined => (r.reply === '' || statusOf(r.reply) === 101 ? undefined : `expected the handshake to succeed, received ${show(r.reply, 80)}`);
      return after(`${n} pings`, Array.from({ length: n }, (_, i) => frame(9, Buffer.from(String(i)))), cutOrUpgraded, { keepOpenMs: 200 });
    },
    (rng) => after('random bytes after the handshake', rng.bytes(rng.between(1, 4096)), upgraded, { keepOpenMs: 300 }),
    (rng) => {
      const n = rng.between(200, 2000);
      const pieces = [frame(1, Buffer.from('['), { fin: false }), ...Array.from({ length: n }, () => frame(0, Buffer.from('1,'), { fin: false })), frame(0, Buffer.from('1]'))];
      return after(`a text message in ${n + 2} fragments`, Buffer.concat(pieces), upgraded, { keepOpenMs: 300 });
    },
    (rng) => {
      const data = frame(1, Buffer.from(`{"drip":"${rng.text(20).replace(/["\\]/g, '')}"}`));
      const chunks = [...data].map((b) => Buffer.from([b]));
      return after(`a frame dripped byte by byte (${chunks.length} bytes)`, chunks, upgraded, { dripMs: 15, keepOpenMs: 200 });
    },
    () => after('a frame cut short, then the connection dropped', frame(2, Buffer.alloc(1000)).subarray(0, 500), upgraded, { keepOpenMs: 100 }),
  ];
  for (const { text, family } of t.payloads ?? []) {
    families.push((rng) => {
      const p = family(rng);
      return after(`${text ? 'text' : 'binary'} frame of ${p.name}`, frame(text ? 1 : 2, p.data), upgraded, { keepOpenMs: 300 });
    });
  }
  return families;
};

/** Payloads for a line-oriented target too: the same hostile data as raw stream bytes. */
export const asStreamFamily =
  (family: PayloadFamily, lineEnd = '\n'): Family =>
  (rng: Random) => {
    const p = family(rng);
    return { name: `stream: ${p.name}`, chunks: [p.data, lineEnd], keepOpenMs: 150, timeoutMs: 3000 };
  };
