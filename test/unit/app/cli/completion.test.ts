/**
 * `tremolo completion bash|zsh|fish`, each script loaded into the real shell: bash asked as its
 * completion machinery asks (COMP_WORDS, COMP_CWORD), zsh typed at on a terminal with TAB, fish
 * through `complete -C`, in a folder holding flow files and others.
 */
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli } from '../../../support/cli.js';
import { startPty } from '../../../support/pty.js';
import { tmpDir } from '../../../support/tmp.js';

const run = promisify(execFile);
const tmp = tmpDir('tremolo-completion-');
test.after(() => tmp.cleanup());

const scripts: Record<string, string> = {};
test.before(async () => {
  for (const f of ['echo.json5', 'edge.troy', 'extra.json', 'notes.txt', 'flows/chat.json5']) {
    mkdirSync(path.dirname(path.join(tmp.dir, f)), { recursive: true });
    tmp.write(f, '{}\n');
  }
  const results = await Promise.all(['bash', 'zsh', 'fish'].map((shell) => runCli(['completion', shell])));
  for (const [i, shell] of ['bash', 'zsh', 'fish'].entries()) {
    assert.is(results[i]!.code, 0, results[i]!.stderr);
    scripts[shell] = tmp.write(`tremolo.${shell}`, results[i]!.stdout);
  }
});

/** What bash offers for the words typed so far (the last one is being completed). */
async function bash(...words: string[]): Promise<string[]> {
  const quoted = words.map((w) => `'${w}'`).join(' ');
  const { stdout } = await run('bash', ['--norc', '-c', `source ${scripts.bash}; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _tremolo; printf '%s\\n' "\${COMPREPLY[@]}"`], {
    cwd: tmp.dir,
    timeout: 10_000,
  });
  return stdout.split('\n').filter((l) => l !== '').sort();
}

/** What fish offers for a command line (completions without their descriptions). */
async function fish(line: string): Promise<string[]> {
  const { stdout } = await run('fish', ['--no-config', '-c', `source ${scripts.fish}; complete -C ${JSON.stringify(line)}`], { cwd: tmp.dir, timeout: 10_000 });
  return stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t')[0]!).sort();
}

test('completion needs one shell it knows, and says which it knows', async () => {
  const [none, csh, typo] = await Promise.all([runCli(['completion']), runCli(['completion', 'powershell']), runCli(['completion', 'bsah'])]);
  assert.equal([none.code, none.stderr], [2, 'tremolo completion: expected one shell (bash, zsh, fish), received 0\n']);
  assert.equal([csh.code, csh.stderr], [2, 'tremolo completion: no completion for "powershell"; shells: bash, zsh, fish\n']);
  assert.equal([typo.code, typo.stderr], [2, 'tremolo completion: no completion for "bsah"; did you mean "bash"? shells: bash, zsh, fish\n']);
});

test('bash completes commands, options, option values, flow files and scaffold kinds', async () => {
  assert.equal(await bash('tremolo', ''), ['completion', 'convert', 'doc', 'graph', 'hash-password', 'help', 'new', 'run', 'schema', 'test', 'validate']);
  assert.equal(await bash('tremolo', 'va'), ['validate']);
  assert.equal(await bash('tremolo', 'run', '--st'), ['--status']);
  assert.equal(await bash('tremolo', 'run', '--log-level', ''), ['debug', 'error', 'info', 'trace', 'warn']);
  assert.equal(await bash('tremolo', 'run', '--log-format', '=', 'j'), ['json']);
  assert.equal(await bash('tremolo', 'run', '--workers', ''), ['auto']);
  // Flow files and folders, not other files; an option's value is not taken for a flow.
  assert.equal(await bash('tremolo', 'run', '--arg', 'url=x', 'e'), ['echo.json5', 'edge.troy', 'extra.json']);
  assert.equal(await bash('tremolo', 'validate', 'fl'), ['flows']);
  assert.equal(await bash('tremolo', 'new', ''), ['codec', 'connector', 'flow', 'operator', 'processor']);
  assert.equal(await bash('tremolo', 'new', 'flow', ''), []);
  assert.equal(await bash('tremolo', 'completion', ''), ['bash', 'fish', 'zsh']);
  assert.equal(await bash('tremolo', 'test', '-'), ['--excludes', '--help', '--includes', '--jobs', '--junit', '--report', '--timeout', '-e', '-h', '-i', '-j', '-o', '-t']);
  assert.equal(await bash('tremolo', 'help', 'h'), ['hash-password']);
});

test('fish completes commands with their summaries, options, values and flow files', async () => {
  const { stdout } = await run('fish', ['--no-config', '-c', `source ${scripts.fish}; complete -C 'tremolo '`], { cwd: tmp.dir, timeout: 10_000 });
  assert.match(stdout, /^run\tdeploy the flows and run until an exit connector, SIGINT or SIGTERM stops them$/m);
  assert.match(stdout, /^completion\tprint the shell completion script of tremolo for bash, zsh or fish$/m);
  assert.equal(await fish('tremolo run --st'), ['--status']);
  assert.equal(await fish('tremolo run --log-level '), ['debug', 'error', 'info', 'trace', 'warn']);
  assert.equal(await fish('tremolo run e'), ['echo.json5', 'edge.troy', 'extra.json']);
  assert.equal(await fish('tremolo new '), ['codec', 'connector', 'flow', 'operator', 'processor']);
  assert.equal(await fish('tremolo new flow '), []);
  assert.equal(await fish('tremolo completion '), ['bash', 'fish', 'zsh']);
});

test('zsh completes a command and an option on TAB, and lists the commands with their summaries', async () => {
  const shell = startPty(['zsh', '-f', '-i'], { cwd: tmp.dir, env: { HOME: tmp.dir }, timeoutMs: 30_000 });
  try {
    shell.type(`autoload -Uz compinit && compinit -u -D && source ${scripts.zsh} && echo loaded\n`);
    await shell.waitFor(/^loaded$/m, 20_000);
    shell.type('tremolo val\t');
    await shell.waitFor(/tremolo validate$/m, 10_000);
    shell.type('\u0015tremolo run --stat\t');
    await shell.waitFor(/tremolo run --status$/m, 10_000);
    shell.type('\u0015tremolo run ec\t');
    await shell.waitFor(/tremolo run echo\.json5$/m, 10_000);
    shell.type('\u0015tremolo \t');
    await shell.waitFor(/^run +-- deploy the flows and run until an exit connector, SIGINT or SIGTERM stops them$/m, 10_000);
  } finally {
    // ^U, not ^C: zsh's ^C also flushes what was typed after it, so `exit` would lose its `e`.
    shell.type('\u0015exit\n');
    await shell.done;
  }
});

test.run();
