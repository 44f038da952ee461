import { createSocket } from 'node:dgram';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow } from '../../../../src/app/testing/index.js';
import { parseHosts } from '../../../../src/kinds/dns/hosts-file.js';
import { tmpDir } from '../../../support/tmp.js';

const tmp = tmpDir('tremolo-dns-');
test.after(() => tmp.cleanup());

const hostsFile = tmp.write('hosts', '# test hosts\n127.0.0.1 localhost\n10.1.2.3  Service.Example svc # alias\n::1 localhost ip6-localhost\nnot-an-ip bogus\n');
/** Servers nobody answers on: every lookup that reaches them fails, so an answer can only come from the hosts file. */
const dnsClient = (config: object = {}): object => ({ type: 'dns_client', config: { hosts_file: hostsFile, servers: ['127.0.0.1:9'], timeout_ms: 200, tries: 1, ...config } });

test('the hosts file is read as hosts(5): names without case, aliases, comments, both families; other lines skipped', () => {
  const hosts = parseHosts('127.0.0.1 localhost\n10.1.2.3  Service.Example svc # alias\n::1 localhost\nnot-an-ip bogus\n#1.2.3.4 commented\n');
  assert.equal([...hosts.v4], [['localhost', ['127.0.0.1']], ['service.example', ['10.1.2.3']], ['svc', ['10.1.2.3']]]);
  assert.equal([...hosts.v6], [['localhost', ['::1']]]);
});

test('a lookup answers with Tremor’s records, from the hosts file first, with the request’s correlation', async () => {
  const flow = await startFlow({ connectors: { dns: dnsClient() } });
  try {
    flow.send('dns', 'in', null, { dns: { lookup: { name: 'localhost', type: 'A' } }, correlation: 7 });
    flow.send('dns', 'in', null, { dns: { lookup: { name: 'SERVICE.example.', type: 'A' } } });
    flow.send('dns', 'in', null, { dns: { lookup: 'localhost' } });
    flow.send('dns', 'in', null, { dns: { lookup: { name: 'localhost', type: 'AAAA' } } });
    const [a, b, any, v6] = await flow.collect('dns', 'out', 4, { timeout: 3000 });
    assert.equal(a!.data, [{ A: '127.0.0.1', ttl: 86400 }]);
    assert.equal(a!.meta, { dns_client: { name: 'localhost', type: 'A' }, correlation: 7 });
    assert.equal(b!.data, [{ A: '10.1.2.3', ttl: 86400 }]);
    assert.equal(any!.data, [{ A: '127.0.0.1', ttl: 86400 }, { AAAA: '::1', ttl: 86400 }]);
    assert.equal(any!.meta, { dns_client: { name: 'localhost', type: null } });
    assert.equal(v6!.data, [{ AAAA: '::1', ttl: 86400 }]);
  } finally {
    await flow.stop();
  }
});

test('a server that never answers makes a lookup fail on err with the request, after timeout_ms', async () => {
  const silent = createSocket('udp4');
  await new Promise<void>((r) => silent.bind(0, '127.0.0.1', r));
  let asked = 0;
  silent.on('message', () => asked++);
  const flow = await startFlow({ connectors: { dns: dnsClient({ servers: [`127.0.0.1:${silent.address().port}`] }) } });
  try {
    const started = performance.now();
    flow.send('dns', 'in', null, { dns: { lookup: { name: 'nowhere.example', type: 'MX' } }, correlation: 'c1' });
    const err = await flow.next('dns', 'err', { timeout: 3000 });
    assert.ok(performance.now() - started >= 150, 'waited for the answer');
    assert.equal(err.data, { error: 'dns: MX lookup of "nowhere.example" failed: ETIMEOUT', code: 'ERR_REMOTE', connector: 'dns', request: { lookup: { name: 'nowhere.example', type: 'MX' } } });
    assert.equal(err.meta, { dns_client: { name: 'nowhere.example', type: 'MX' }, correlation: 'c1' });
    assert.ok(asked >= 1, 'the query reached the server');
  } finally {
    await flow.stop();
    silent.close();
  }
});

test('an event without a usable $dns.lookup, or with a record type it cannot ask for, fails on err with what was expected', async () => {
  const flow = await startFlow({ connectors: { dns: dnsClient() } });
  try {
    flow.send('dns', 'in', 'localhost');
    flow.send('dns', 'in', null, { dns: { lookup: { name: 'localhost', type: 'HINFO' } } });
    flow.send('dns', 'in', null, { dns: { lookup: 42 } });
    const errs = await flow.collect('dns', 'err', 3, { timeout: 3000 });
    assert.equal(errs.map((e) => (e.data as { error: string }).error), [
      'dns: expected $dns.lookup to be a name, or { "name": name, "type": "A" | "AAAA" | ... }, received undefined',
      'dns: unsupported record type "HINFO" in $dns.lookup.type; supported: A, AAAA, ANY, CAA, CNAME, MX, NAPTR, NS, PTR, SOA, SRV, TXT',
      'dns: expected $dns.lookup to be a name, or { "name": name, "type": "A" | "AAAA" | ... }, received 42',
    ]);
    assert.equal(flow.seen('dns', 'out'), []);
  } finally {
    await flow.stop();
  }
});

test('a bad server address is refused at load time', async () => {
  const err = await startFlow({ connectors: { dns: dnsClient({ servers: ['dns.example'] }) } }).catch((e: Error) => e);
  assert.is((err as { code?: string }).code, 'ERR_CONFIG_INVALID');
  assert.ok((err as Error).message.includes('connectors.dns.config.servers[0]: expected an IP address, optionally with :port ([v6]:port), received "dns.example"'), (err as Error).message);
});

test('once its input has ended and its lookups are answered, dns_client finishes, and so does the flow', async () => {
  const flow = await startFlow({
    connectors: {
      names: { type: 'file', codec: 'string', preprocessors: ['separate'], config: { path: tmp.write('names.txt', 'localhost\nsvc\n'), mode: 'read' } },
      dns: dnsClient(),
      sink: { type: 'null' },
    },
    pipelines: { ask: { operators: { meta: { op: 'map', config: { meta: '{"dns": {"lookup": {"name": event, "type": "A"}}}' } } }, links: [['in', 'meta'], ['meta/out', 'out']] } },
    links: [['names', 'ask'], ['ask', 'dns'], ['dns', 'sink']],
  });
  try {
    const finish = await Promise.race([flow.flow.finished, new Promise((r) => setTimeout(() => r('still running'), 4000).unref())]);
    assert.equal(finish, { gaveUp: false, sources: ['names', 'dns'] });
    assert.equal(flow.seen('dns', 'out').map((e) => e.data), [[{ A: '127.0.0.1', ttl: 86400 }], [{ A: '10.1.2.3', ttl: 86400 }]]);
  } finally {
    await flow.stop();
  }
});

test.run();
