import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkFlow } from '../../../src/app/load.js';
import { formatProblem } from '../../../src/loader/problems.js';
import { builtins } from '../../../src/app/builtins/registries.js';
import { didYouMean, editDistance, nearest } from '../../../src/sdk/suggest.js';
import { repoRoot } from '../../support/cli.js';

test('the edit distance counts insertions, deletions, substitutions and swapped neighbours as 1 each', () => {
  assert.is(editDistance('status', 'status'), 0);
  assert.is(editDistance('stauts', 'status'), 1);
  assert.is(editDistance('jsn', 'json'), 1);
  assert.is(editDistance('jsoon', 'json'), 1);
  assert.is(editDistance('yson', 'json'), 1);
  assert.is(editDistance('', 'abc'), 3);
  assert.is(editDistance('kitten', 'sitting'), 3);
  assert.is(editDistance('ca', 'abc'), 3);
});

test('the nearest name is offered only when it is within a third of the typed length (1 to 3 edits)', () => {
  assert.is(nearest('ws_servr', ['ws_client', 'ws_server', 'tcp_server']), 'ws_server');
  assert.is(nearest('ws-server', ['ws_client', 'ws_server']), 'ws_server');
  assert.is(nearest('WS_SERVER', ['ws_client', 'ws_server']), 'ws_server');
  assert.is(nearest('rnu', ['run', 'validate']), 'run');
  assert.is(nearest('launch', ['run', 'validate', 'convert', 'schema']), undefined);
  assert.is(nearest('ghost', ['client', 'con', 'p', 'q', 'server']), undefined);
  assert.is(nearest('x', []), undefined);
  // A long name allows at most 3 edits.
  assert.is(nearest('unix_sockt_srvr_x', ['unix_socket_server']), undefined);
});

test('ties go to the first candidate, and the phrase ends where the list of known names begins', () => {
  assert.is(nearest('cat', ['bat', 'hat']), 'bat');
  assert.is(didYouMean('jsn', ['json', 'yaml']), 'did you mean "json"? ');
  assert.is(didYouMean('zzzz', ['json', 'yaml']), '');
  assert.is(didYouMean('--stauts', ['--status'], (n) => `'${n}'`), "did you mean '--status'? ");
});

test('an unknown kind in any registry names the nearest known one before the list', () => {
  const regs = builtins();
  assert.match(regs.connectors.unknownMessage('metronom'), /^unknown connector type "metronom"; did you mean "metronome"\? known: bench, cb, crononome, dns_client, exit, /);
  assert.match(regs.codecs.unknownMessage('msgpak'), /^unknown codec "msgpak"; did you mean "msgpack"\? known: binary, /);
  assert.match(regs.operators.unknownMessage('fitler'), /^unknown operator "fitler"; did you mean "filter"\? known: /);
  assert.match(regs.codecs.unknownMessage('protobuf'), /^unknown codec "protobuf"; known: binary, /);
});

test('the loader suggests the nearest connector or pipeline of a link, definition, processor and arg', async () => {
  const text = `{
  use: ['std'],
  args: { url: 'ws://127.0.0.1:0' },
  connectors: {
    server: { type: 'ws_server', codec: 'json', preprocessors: ['separte'], config: { url: '\${args.ulr}' } },
    out: { from: 'std::consle' },
  },
  pipelines: { echo: { from: 'std::passthrough' } },
  links: [['sever', 'echo'], ['echo', 'server']],
}
`;
  const { problems } = await checkFlow(path.join(repoRoot, 'flows', 'typos.json5'), { text, env: { TREMOLO_PATH: '' } });
  const lines = problems.map(formatProblem).join('\n');
  assert.match(lines, /preprocessors\[0\]: unknown preprocessor "separte"; did you mean "separate"\? known: /);
  assert.match(lines, /unknown arg "ulr" in "\$\{args\.ulr\}"; did you mean "url"\? known: url/);
  assert.match(lines, /connectors\.out\.from: unknown connector definition "std::consle"; did you mean "std::console"\? known: /);
  assert.match(lines, /links\[0\]\[0\]: unknown connector or pipeline "sever"; did you mean "server"\? known: echo, out, server/);
});

test.run();
