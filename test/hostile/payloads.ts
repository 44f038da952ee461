import { show, type Payload, type PayloadFamily } from './attack.js';
import type { Random } from './random.js';

/** Hostile data for the codecs and protocols behind the servers: JSON, MessagePack, ThingsDB packages, JSON-RPC, Ditto, chat. */

const p = (name: string, data: Buffer | string): Payload => ({ name, data: typeof data === 'string' ? Buffer.from(data) : data });

export const jsonPayloads: readonly PayloadFamily[] = [
  (rng) => {
    const depth = rng.between(1000, 200_000);
    return p(`JSON nested ${depth} deep`, `${'['.repeat(depth)}${']'.repeat(depth)}`);
  },
  (rng) => {
    const depth = rng.between(1000, 100_000);
    return p(`JSON objects nested ${depth} deep`, `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
  },
  (rng) =>
    p(
      'odd JSON values',
      rng.pick([
        '{"__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}}}',
        '1e999',
        '-0',
        '123456789012345678901234567890',
        '"\\ud800"',
        '"\\u0000"',
        '{"a":1,"a":2}',
        'null',
        '[]',
        '""',
        '\ufeff{}',
        'true false',
        '{"a":',
        '}{',
        'NaN',
        '{"toString":1,"valueOf":2,"hasOwnProperty":3}',
      ]),
    ),
  (rng) => {
    const n = rng.between(1000, 50_000);
    return p(`a JSON array of ${n} small objects`, JSON.stringify(Array.from({ length: n }, (_, i) => ({ i }))));
  },
  (rng) => p('a long JSON string', JSON.stringify('x'.repeat(rng.between(100_000, 1_000_000)))),
  () => p('invalid UTF-8 and NUL bytes as JSON', Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0x00, 0xc3, 0x28]), Buffer.from('"}')])),
  (rng) => p('many JSON documents, one per line', Array.from({ length: rng.between(100, 3000) }, (_, i) => (i % 7 === 0 ? '{bad' : `{"n":${i}}`)).join('\n')),
];

/** MessagePack bombs and oddities: declared lengths far beyond the data, deep nesting, msgpackr's private extensions, cycles. */
export const msgpackPayloads: readonly PayloadFamily[] = [
  (rng) => {
    const [name, hex] = rng.pick([
      ['array32 of 2^32-1 items', 'ddffffffff'],
      ['map32 of 2^32-1 entries', 'dfffffffff'],
      ['str32 of 4 GiB', 'dbffffffff61'],
      ['bin32 of 4 GiB', 'c6ffffffff00'],
      ['ext32 of 4 GiB', 'c9ffffffff0100'],
      ['array16 of 65535 nils, truncated', `dcffff${'c0'.repeat(100)}`],
      ['the never-used byte 0xc1', 'c1'],
      ['a truncated float64', 'cb0000'],
      ['a cyclic structure (msgpackr reference extensions)', 'd6690000000092d6700000000001'],
      ['a RegExp (msgpackr extension 0x78)', 'd4780092a628612b292b24a0'],
      ['an Error (msgpackr extension 0x65)', 'd4650093a54572726f72a4626f6f6dd40000'],
      ['a Set (msgpackr extension 0x73)', 'd473009101'],
      ['a typed array (msgpackr extension 0x74)', 'd7740001020304050607'],
      ['a bigint (msgpackr extension 0x42)', 'd74200ffffffffffffff'],
      ['a bundle of strings (msgpackr extension 0x62)', 'd662ffffffff'],
      ['a record definition (msgpackr extension 0x72)', 'd47240'],
      ['a timestamp of 5 bytes', 'c705ff0000000000'],
      ['a map with a __proto__ key', '81a95f5f70726f746f5f5f81a170c3'],
      ['a map with a binary key', '81c40201028101'],
      ['a map with an array key', '819101c0'],
    ] as const);
    return p(`MessagePack: ${name}`, Buffer.from(hex, 'hex'));
  },
  (rng) => {
    const depth = rng.between(1000, 300_000);
    return p(`MessagePack: arrays nested ${depth} deep`, Buffer.alloc(depth, 0x91));
  },
  (rng) => {
    const depth = rng.between(1000, 100_000);
    return p(`MessagePack: maps nested ${depth} deep`, Buffer.concat([Buffer.from('81a161'.repeat(depth), 'hex'), Buffer.from([0xc0])]));
  },
  (rng) => p(`MessagePack: ${rng.between(1, 512)} random bytes`, rng.bytes(rng.between(1, 512))),
];

/** A ThingsDB package: an 8-byte header (size LE, id LE, type, check) and a payload. */
export function thingsdbPackage(id: number, type: number, payload: Buffer, options: { size?: number; check?: number } = {}): Buffer {
  const header = Buffer.alloc(8);
  header.writeUInt32LE(options.size ?? payload.length, 0);
  header.writeUInt16LE(id & 0xffff, 4);
  header[6] = type;
  header[7] = options.check ?? type ^ 0xff;
  return Buffer.concat([header, payload]);
}

export const thingsdbPayloads: readonly PayloadFamily[] = [
  (rng) => {
    const mp = rng.pick(msgpackPayloads)(rng);
    const type = rng.pick([33, 34, 37, 38, 39, 40, 41, 32, 99]);
    return p(`ThingsDB package type ${type} carrying ${mp.name}`, thingsdbPackage(rng.int(65536), type, mp.data));
  },
  (rng) => {
    const payload = rng.bytes(rng.int(40));
    const [name, pkg] = rng.pick([
      ['a size beyond its payload', thingsdbPackage(1, 34, payload, { size: 0xffffffff })],
      ['a size short of its payload', thingsdbPackage(1, 34, Buffer.concat([payload, Buffer.alloc(4)]), { size: payload.length })],
      ['a wrong check byte', thingsdbPackage(1, 32, Buffer.alloc(0), { check: 0 })],
      ['a header cut short', Buffer.from([1, 0, 0])],
      ['no bytes at all', Buffer.alloc(0)],
    ] as const);
    return p(`ThingsDB package with ${name}`, pkg);
  },
  (rng) => {
    // Well-formed packages with odd values: the parts a client controls.
    switch (rng.int(4)) {
      case 0: {
        const user = 'u'.repeat(rng.between(10_000, 100_000));
        return p(`ThingsDB AUTH with a ${user.length}-char user`, thingsdbPackage(rng.int(65536), 33, Buffer.concat([Buffer.from([0x92, 0xda]), u16(user.length), Buffer.from(user), Buffer.from([0xa1, 0x70])])));
      }
      case 1: {
        const code = `${'('.repeat(rng.between(1000, 20_000))}1${')'.repeat(rng.between(0, 20_000))};`;
        const body = Buffer.concat([Buffer.from([0x92, 0xa7]), Buffer.from('//stuff'), Buffer.from([0xdb]), u32(code.length), Buffer.from(code)]);
        return p('ThingsDB QUERY of deeply nested code', thingsdbPackage(rng.int(65536), 34, body));
      }
      case 2: {
        const body = Buffer.concat([Buffer.from([0xdc]), u16(1001), Buffer.from([0xa7]), Buffer.from('//stuff'), Buffer.alloc(1000, 0x7f)]);
        return p('ThingsDB JOIN of 1000 rooms', thingsdbPackage(rng.int(65536), 38, body));
      }
      default:
        return p('ThingsDB EMIT without an event name', thingsdbPackage(rng.int(65536), 40, Buffer.from([0x92, 0xa7, ...Buffer.from('//stuff'), 0x11])));
    }
  },
];

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n & 0xffff);
  return b;
}

export const jsonRpcPayloads: readonly PayloadFamily[] = [
  (rng) => {
    const n = rng.between(100, 5000);
    return p(`JSON-RPC batch of ${n} calls`, JSON.stringify(Array.from({ length: n }, (_, i) => ({ jsonrpc: '2.0', method: rng.pick(['users', 'auth', 'nope']), params: { user: 'admin', password: 'x' }, id: i }))));
  },
  (rng) =>
    p(
      'JSON-RPC call of an inherited method name',
      JSON.stringify({ jsonrpc: '2.0', method: rng.pick(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__']), params: {}, id: 1 }),
    ),
  (rng) => p('JSON-RPC call with an odd id', `{"jsonrpc":"2.0","method":"users","id":${rng.pick(['{}', '[]', 'true', '1e999', '-0', '"x"', 'null', '1.5'])}}`),
  (rng) => p('JSON-RPC auth with a huge password', JSON.stringify({ jsonrpc: '2.0', method: 'auth', params: { user: 'admin', password: 'p'.repeat(rng.between(10_000, 1_000_000)) }, id: 1 })),
  (rng) => p('JSON-RPC params nested deep', `{"jsonrpc":"2.0","method":"adduser","id":1,"params":${'['.repeat(rng.between(1000, 50_000))}${']'.repeat(0)}`),
  (rng) => rng.pick(jsonPayloads)(rng),
];

export const dittoPayloads: readonly PayloadFamily[] = [
  (rng) => {
    const rql = rng.pick([
      `${'and('.repeat(rng.between(100, 20_000))}eq(a,1)${')'.repeat(rng.between(0, 20_000))}`,
      'eq(attributes/a,%zz)',
      'like(a,"*****************************************!")',
      'in(a,' + Array.from({ length: 5000 }, (_, i) => i).join(',') + ')',
      'gt(a,',
      'eq(__proto__/polluted,1)',
      'exists(' + 'a/'.repeat(5000) + 'b)',
    ]);
    const topic = rng.pick(['START-SEND-EVENTS', 'START-SEND-LIVE-EVENTS', 'START-SEND-MESSAGES']);
    return p(`Ditto ${topic} with filter ${show(rql, 40)}`, `${topic}?filter=${encodeURIComponent(rql)}&namespaces=${encodeURIComponent(rng.text(30))}`);
  },
  (rng) =>
    p(
      'Ditto control message of junk',
      rng.pick([
        'START-SEND-EVENTS?extraFields=' + encodeURIComponent('('.repeat(rng.between(100, 20_000))),
        'START-SEND-EVENTS?extraFields=%zz&filter=%zz',
        'START-SEND-EVENTS?namespaces=' + ','.repeat(10_000),
        'JWT-TOKEN?jwtToken=' + rng.text(200).replace(/[&=]/g, ''),
        'JWT-TOKEN?jwtToken=a.b.c',
        'JWT-TOKEN',
        'STOP-SEND-EVENTS?x=%',
        'START-SEND-EVENTS' + '?'.repeat(1000),
      ]),
    ),
  (rng) => {
    const topic = rng.pick(['org.eclipse.ditto/thing-1/things/twin/commands/modify', 'x/y/things/twin/commands/create', '%zz/%zz/things/twin/commands/retrieve', '/', '', 'a/b/c/d/e/f/g/h/i', 'ns/id/things/live/messages/%zz', '__proto__/constructor/things/twin/commands/modify']);
    const path = rng.pick(['/', '/attributes/__proto__', '/attributes/%zz', '/features/' + 'f/'.repeat(2000), '/attributes/' + 'a'.repeat(100_000), '//', 'no-slash', '/policyId', '/features/f/properties/x']);
    // As JSON text: JSON.stringify of 5000 nested arrays can exceed the stack, depending on how deep it is called.
    const value = rng.pick([JSON.stringify(1), JSON.stringify(null), JSON.stringify({ __proto__: { x: 1 } }), JSON.stringify('x'.repeat(1000)), `${'['.repeat(5000)}${']'.repeat(5000)}`]);
    const envelope = JSON.stringify({ topic, path, headers: { 'correlation-id': rng.text(rng.between(0, 50)) } });
    return p(`Ditto ${show(topic, 30)} on ${show(path, 30)}`, `${envelope.slice(0, -1)},"value":${value}}`);
  },
  (rng) => p('Ditto message with odd headers', JSON.stringify({ topic: 'ns/thing/things/twin/commands/retrieve', path: '/', headers: rng.pick([null, [], 'x', { 'correlation-id': { a: 1 } }, { 'response-required': 'maybe' }, { timeout: '-1s' }]) })),
  (rng) => rng.pick(jsonPayloads)(rng),
];

export const chatPayloads: readonly PayloadFamily[] = [
  (rng) => p('chat command', rng.pick(['WSHello', 'WSHello ' + 'n'.repeat(rng.between(1000, 100_000)), 'WSHello __proto__', 'WSHello constructor', 'WSPrivate', 'WSPrivate __proto__ hi', 'WSPrivate nobody hi', 'WSWhois __proto__', 'WSWhois ' + 'x'.repeat(10_000), '   ', ''])),
  (rng) => p('chat text', rng.text(rng.between(0, 2000))),
  (rng) => p('chat long text', 'y'.repeat(rng.between(100_000, 2_000_000))),
];

/** Bytes for line-oriented servers: lines of junk, very long lines, bad UTF-8. */
export const linePayloads: readonly PayloadFamily[] = [
  (rng) => p(`a ${rng.between(1, 4)} MiB line with no end`, Buffer.alloc(rng.between(1, 4) * 1024 * 1024, 0x61)),
  (rng) => p('random bytes with line ends', Buffer.concat(Array.from({ length: rng.between(1, 50) }, () => Buffer.concat([rng.bytes(rng.int(100)), Buffer.from('\n')])))),
  (rng) => rng.pick(jsonPayloads)(rng),
];
