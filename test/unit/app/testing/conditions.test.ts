import { mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkAsserts } from '../../../../src/app/testing/integration/asserts.js';
import { awaitConditions } from '../../../../src/app/testing/integration/conditions.js';
import { AssertSchema, ProcessSchema } from '../../../../src/app/testing/integration/spec.js';
import { tmpDir } from '../../../support/tmp.js';

const tmp = tmpDir();
const never = new AbortController().signal;
const sub = (name: string): string => {
  const dir = path.join(tmp.dir, name);
  mkdirSync(dir);
  return dir;
};
const spec = (value: unknown) => ProcessSchema.parse({ cmd: 'true', ...(value as object) });

/** An HTTP server on a free loopback port answering `status(n)` to its nth request. */
async function httpServer(status: (n: number) => number): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server = http.createServer((_req, res) => {
    res.writeHead(status(++n)).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/health`,
    requests: () => n,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

test('http-ok waits until the URL answers 2xx, polling past earlier errors', async () => {
  const server = await httpServer((n) => (n < 3 ? 503 : 200));
  try {
    const unmet = await awaitConditions(spec({ await: { 'http-ok': [server.url] }, 'max-await-secs': 10 }), tmp.dir, process.env, never);
    assert.equal(unmet, []);
    assert.is(server.requests(), 3);
  } finally {
    await server.close();
  }
});

test('http-ok that never answers 2xx is reported unmet after max-await-secs', async () => {
  const server = await httpServer(() => 500);
  try {
    const unmet = await awaitConditions(spec({ await: { 'http-ok': server.url }, 'max-await-secs': 0.2 }), tmp.dir, process.env, never);
    assert.equal(unmet, [`http-ok ${server.url}`]);
    assert.ok(server.requests() >= 2, `polled ${server.requests()} times`);
  } finally {
    await server.close();
  }
});

test('status waits until the command exits 0, run in the given dir', async () => {
  const dir = sub('status');
  const check = { cmd: process.execPath, args: ['-e', "process.exit(require('node:fs').existsSync('ready') ? 0 : 1)"], dir: 'status' };
  setTimeout(() => writeFileSync(path.join(dir, 'ready'), ''), 150);
  const unmet = await awaitConditions(spec({ await: { status: [check] }, 'max-await-secs': 10 }), tmp.dir, process.env, never);
  assert.equal(unmet, []);
  const failing = { cmd: process.execPath, args: ['-e', 'process.exit(3)'] };
  const still = await awaitConditions(spec({ await: { status: failing }, 'max-await-secs': 0.2 }), tmp.dir, process.env, never);
  assert.equal(still, [`status ${process.execPath} -e process.exit(3)`]);
});

test('wait-for-ms waits that long before the other conditions are checked', async () => {
  const file = path.join(tmp.dir, 'late');
  setTimeout(() => writeFileSync(file, ''), 100);
  const started = performance.now();
  // With no wait, file-exists would be polled at once; the wait alone must outlast the writer.
  const unmet = await awaitConditions(spec({ await: { 'wait-for-ms': ['250'], 'file-exists': ['late'] }, 'max-await-secs': 0.05 }), tmp.dir, process.env, never);
  assert.equal(unmet, []);
  assert.ok(performance.now() - started >= 249);
});

test('equals_file_binary compares bytes and names the first byte that differs', () => {
  const dir = sub('binary');
  writeFileSync(path.join(dir, 'expected.bin'), Buffer.from([0, 1, 2, 0xff, 4]));
  writeFileSync(path.join(dir, 'same.bin'), Buffer.from([0, 1, 2, 0xff, 4]));
  writeFileSync(path.join(dir, 'other.bin'), Buffer.from([0, 1, 2, 0xfe, 4, 5]));
  const out = { status: 0, stdout: '', stderr: '' };
  const asserts = (source: string) => AssertSchema.parse({ asserts: [{ source, equals_file_binary: 'expected.bin' }] });
  assert.equal(checkAsserts(dir, asserts('same.bin'), out), []);
  assert.equal(checkAsserts(dir, asserts('other.bin'), out), ['other.bin differs from expected.bin at byte 3 (expected 5 bytes, actual 6)']);
  assert.equal(checkAsserts(dir, asserts('missing.bin'), out), ['missing.bin: no such file']);
});

test.after(() => tmp.cleanup());

test.run();
