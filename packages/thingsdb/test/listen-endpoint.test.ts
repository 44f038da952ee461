import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startFlow, type TestFlow } from '../../../src/app/testing/index.js';
import { repoRoot, startCli, type RunningCli } from '../../../test/support/cli.js';
import { Inbox, pkg, unpkg, WireClient } from '../../../test/support/thingsdb-wire.js';

const ENDPOINT = path.join(repoRoot, 'flows/thingsdb-endpoint.json5');

/** The lines the listen flow prints, one JSON document each, read with bounded waits. */
function stdoutLines(cli: RunningCli): Inbox<unknown> {
  const lines = new Inbox<unknown>();
  let partial = '';
  cli.process.stdout!.on('data', (chunk: Buffer) => {
    partial += chunk.toString();
    const complete = partial.split('\n');
    partial = complete.pop()!;
    for (const line of complete) lines.push(JSON.parse(line));
  });
  return lines;
}

/** The packages a fresh endpoint received, by type, as they came: what a client sent it. */
async function received(flow: TestFlow, n: number): Promise<[number, unknown][]> {
  const events = await flow.collect('ws', 'out', n, { timeout: 5000 });
  return events.map((e) => {
    const p = unpkg(e.data as Buffer);
    return [p.type, p.value];
  });
}

test('the listen flow against the endpoint flow: events and answers, and across a restart of the endpoint it logs in and joins again before the requests that waited, none lost', async () => {
  let endpoint = await startFlow(ENDPOINT, { args: { port: 0, create_rooms: true } });
  const url = endpoint.address('ws');
  const port = Number(new URL(url).port);
  const cli = startCli(['run', 'flows/thingsdb-listen.json5', '--arg', `url=${url}`, '--arg', 'rooms=["lobby"]', '--arg', 'retry_interval_ms=50', '--arg', 'retry_max_interval_ms=200', '--log-level', 'debug'], { timeoutMs: 30_000 });
  const out = stdoutLines(cli);
  const send = (request: object): boolean => cli.process.stdin!.write(`${JSON.stringify(request)}\n`);
  const other = await WireClient.open(url);
  let passed = false;
  try {
    // Starting a CLI (and compiling its modules) is slow on a loaded machine; the rest is not.
    await cli.waitForLog(/\[thingsdb-listen\/thingsdb\] connected/, 20_000);
    assert.equal(await received(endpoint, 2), [
      [33, ['admin', 'pass']],
      [38, ['//stuff', 'lobby']],
    ]);
    assert.equal(await out.next('the join'), { type: 'join', scope: '//stuff', room: 2, name: 'lobby' });
    send({ id: 1, query: '.count = 1;' });
    assert.equal(await out.next('an answer'), { id: 1, response: 1 });
    assert.equal(await other.ask(1, 33, ['admin', 'pass']), { id: 1, type: 17, value: undefined });
    other.send(pkg(2, 40, ['//stuff', 2, 'news', 'from another client']));
    assert.equal(await other.next(), { id: 2, type: 17, value: undefined });
    assert.equal(await out.next('a room event'), { type: 'emit', scope: '//stuff', room: 2, name: 'lobby', event: 'news', args: ['from another client'] });

    await endpoint.stop();
    assert.equal(await out.next('the node status'), { type: 'node_status', node: 0, status: 'SHUTTING_DOWN' });
    assert.equal(await out.next('the node status'), { type: 'node_status', node: 0, status: 'OFFLINE' });
    await cli.waitForLog(/\[thingsdb-listen\/thingsdb\] connection lost/);
    send({ id: 2, query: '1 + 1;' });
    send({ id: 3, run: 'add_one', args: [2] });
    send({ id: 4, emit: 'back', room: 'lobby', args: [] });

    endpoint = await startFlow(ENDPOINT, { args: { port, create_rooms: true } });
    assert.equal(await received(endpoint, 5), [
      [33, ['admin', 'pass']],
      [38, ['//stuff', 'lobby']],
      [34, ['//stuff', '1 + 1;']],
      [37, ['//stuff', 'add_one', [2]]],
      [40, ['//stuff', 2, 'back']],
    ]);
    const lines = [];
    for (let i = 0; i < 5; i++) lines.push(await out.next('the answers that waited'));
    assert.equal(lines, [
      { type: 'join', scope: '//stuff', room: 2, name: 'lobby' },
      { id: 2, response: 2 },
      { id: 3, response: 3 },
      { type: 'emit', scope: '//stuff', room: 2, name: 'lobby', event: 'back', args: [] },
      { id: 4, response: null },
    ]);
    passed = true;
  } finally {
    await other.close();
    cli.process.kill('SIGTERM');
    const { code, stderr } = await cli.done;
    await endpoint.stop();
    // A failure above is the one to report, not the exit status it caused.
    if (passed) assert.is(code, 0, stderr);
  }
});

test.run();
