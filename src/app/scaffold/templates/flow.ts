import type { Template } from '../template.js';

/**
 * A small service rather than a toy pipe: an HTTP server whose replies go back to the request they
 * answer, which shows routing by origin, args and a pipeline, and which a test can call with fetch.
 */
export const flowTemplate: Template = ({ names: { file }, schema }) => [
  {
    path: `flows/${file}.json5`,
    text: `// ${file}: an HTTP service that greets. POST {"name": "Ann"} → {"greeting": "hello, Ann"}.
//   npx tremolo run flows/${file}.json5 [--arg url=http://127.0.0.1:8080] [--arg greeting=hi]
// Made by \`tremolo new flow ${file}\` as a starting point: keep the shape, replace the parts.
{
  $schema: '${schema}',   // editors complete and check the flow with it
  description: 'an HTTP service that greets whoever POSTs their name',
  args: { url: 'http://127.0.0.1:8080', greeting: 'hello' },   // defaults; --arg overrides them
  connectors: {
    api: {
      type: 'http_server',
      codec: 'json',
      config: { url: '\${args.url}' },
    },
  },
  pipelines: {
    greet: {
      // An inline pipeline sees the flow's args; a pipeline made \`from\` a definition gets its own.
      operators: [
        { op: 'map', config: { event: '{"greeting": format("{}, {}", args.greeting, default(event.name, "stranger"))}' } },
      ],
    },
  },
  links: [
    ['api', 'greet'],   // each request body → greet/in
    ['greet', 'api'],   // greet/out → api/in: the response to the very request it came from
  ],
}
`,
  },
  {
    path: `test/${file}.test.ts`,
    text: `/**
 * The ${file} flow: it is valid, and it answers a request. Run: node --import tsx test/${file}.test.ts
 */
import path from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkFlow, formatProblem } from 'tremolo';
import { startFlow } from 'tremolo/testing';

const flowFile = path.join(import.meta.dirname, '../flows/${file}.json5');

test('${file} is a valid flow', async () => {
  const { problems } = await checkFlow(flowFile);
  assert.equal(problems.map(formatProblem), []);
});

test('${file} answers each request with its greeting', async () => {
  // Port 0: a free port, so tests never collide; flow.address tells which.
  const flow = await startFlow(flowFile, { args: { url: 'http://127.0.0.1:0', greeting: 'hi' } });
  try {
    const post = (body: unknown) =>
      fetch(flow.address('api'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(2000),
      });
    const ann = await post({ name: 'Ann' });
    assert.is(ann.status, 200);
    assert.equal(await ann.json(), { greeting: 'hi, Ann' });
    assert.equal(await (await post({})).json(), { greeting: 'hi, stranger' });
  } finally {
    await flow.stop();
  }
});

test.run();
`,
  },
];
