import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodePayload, readPackage, writePackage } from '../thingsdb-protocol.js';
import { parseScope } from '../thingsdb-scope.js';
import { hex } from '../../../test/support/thingsdb-wire.js';

// The byte examples of ../shared/reference/thingsdb.md, with the values they carry.
const examples: [string, string, number, number, unknown][] = [
  ['AUTH', '0c000000 0000 21 de 92 a5 61646d696e a4 70617373', 0, 33, ['admin', 'pass']],
  ['QUERY', '0b000000 0000 22 dd 92 a2 4074 a6 31202b20313b', 0, 34, ['@t', '1 + 1;']],
  ['DATA', '01000000 0000 12 ed 02', 0, 18, 2],
  ['JOIN', '0d000000 0000 26 d9 93 a7 2f2f7374756666 11 cd01c8', 0, 38, ['//stuff', 17, 456]],
  ['DATA of the JOIN', '03000000 0000 12 ed 92 11 c0', 0, 18, [17, null]],
  ['OK', '00000000 0000 11 ee', 0, 17, undefined],
  ['ON_JOIN', '05000000 ffff 06 f9 81 a2 6964 11', 0xffff, 6, { id: 17 }],
];

for (const [name, bytes, id, type, value] of examples) {
  test(`the reference's ${name} example decodes to id ${id}, type ${type} and ${JSON.stringify(value)}, and encodes back to the same bytes`, () => {
    const pkg = readPackage(hex(bytes), 1 << 20);
    if (typeof pkg === 'string') throw new Error(pkg);
    assert.equal([pkg.id, pkg.type, decodePayload(pkg.payload)], [id, type, value]);
    assert.is(writePackage(id, type, value).toString('hex'), hex(bytes).toString('hex'));
  });
}

test("the reference's LEAVE example, with its wrong check byte, is no package", () => {
  assert.is(readPackage(hex('0d000000 0000 27 d9 93 a7 2f2f7374756666 11 cd01c8'), 1 << 20), 'invalid package (check byte 0xd9 does not match type 0x27)');
});

const scopes: [string, unknown][] = [
  ['@thingsdb', { kind: 'thingsdb' }],
  ['@t', { kind: 'thingsdb' }],
  ['/thin', { kind: 'thingsdb' }],
  ['@node', { kind: 'node', id: undefined }],
  ['@n:12', { kind: 'node', id: 12 }],
  ['/node/3', { kind: 'node', id: 3 }],
  ['//stuff', { kind: 'collection', name: 'stuff' }],
  ['@:stuff', { kind: 'collection', name: 'stuff' }],
  ['@collection:stuff', { kind: 'collection', name: 'stuff' }],
  ['@c:stuff', { kind: 'collection', name: 'stuff' }],
  ['/c/stuff', { kind: 'collection', name: 'stuff' }],
];
for (const [text, scope] of scopes) {
  test(`the scope ${text} reads as ${JSON.stringify(scope)}`, () => assert.equal(parseScope(text), scope));
}

const badScopes: [string, string][] = [
  ['', 'scopes must not be empty'],
  ['stuff', 'scopes must start with a `@` or `/` but got `stuff` instead'],
  ['@', 'expecting a scope name like `@thingsdb`, `@node:...` or `@collection:...`'],
  ['@thingsdb:x', 'expecting a scope name like `@thingsdb`, `@node:...` or `@collection:...` but got `@thingsdb:x` instead'],
  ['/x', 'expecting a scope name like `/thingsdb`, `/node/...` or `/collection/...` but got `/x` instead'],
  ['@node:64', 'a node id must be an integer value between 0 and 64'],
  ['@collection', 'the collection scope requires to specify a collection'],
  ['//9x', 'the specified collection name is invalid'],
  ['@:2', 'the specified collection name is invalid'],
  ['//bad-name', 'the specified collection name is invalid'],
  ['@:stüff', 'the specified collection name is invalid'],
  ['@tü', 'scopes must only contain valid ASCII characters'],
];
for (const [text, message] of badScopes) {
  test(`the scope ${JSON.stringify(text)} is refused -60: ${message}`, () => {
    try {
      parseScope(text);
      assert.unreachable('it was read');
    } catch (err) {
      assert.equal([(err as { code: number }).code, (err as Error).message], [-60, `invalid scope; ${message}; see https://docs.thingsdb.io/v1/overview/scopes`]);
    }
  });
}

test.run();
