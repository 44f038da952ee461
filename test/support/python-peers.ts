import path from 'node:path';
import { spawn } from 'node:child_process';
import { findPython, PythonScript } from './thingsdb-python.js';

/**
 * A WebSocket server in Python's websockets (ws_peer.py): a peer nobody here wrote. `mode` is how
 * it answers: echo, lines (a newline added), slow (300 ms later, from a task), deaf (then reads no
 * more). Its `script.lines` are `{ received }` and `{ closed }` records.
 */
export async function pythonWsPeer(mode: 'echo' | 'lines' | 'slow' | 'deaf'): Promise<{ url: string; script: PythonScript; stop(): Promise<void> }> {
  const script = PythonScript.run(path.join(import.meta.dirname, 'ws_peer.py'), [mode], 120_000);
  const { port } = (await script.lines.next('the Python server to listen', 20_000)) as { port: number };
  return {
    url: `ws://127.0.0.1:${port}`,
    script,
    async stop() {
      script.process.kill('SIGTERM');
      await script.exited;
    },
  };
}

export interface PtyRun {
  /** The exit status, or null when it had to be killed. */
  readonly status: number | null;
  /** Everything written to the terminal (stdout and stderr together, with \r\n line ends). */
  readonly output: string;
  /** The step that timed out: wait, reply or exit. */
  readonly step?: string;
}

/**
 * Runs `command` in a pseudo-terminal that does not echo (pty_run.py): waits for `waitFor` in its
 * output, types `line`, waits for `expect`, presses Ctrl-D and waits for the exit.
 */
export function inTerminal(command: readonly string[], waitFor: string, line: string, expect: string, options: { cwd?: string; timeoutMs?: number } = {}): Promise<PtyRun> {
  const child = spawn(findPython(), [path.join(import.meta.dirname, 'pty_run.py'), waitFor, line, expect, ...command], {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 150_000);
  return new Promise((resolve, reject) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`pty_run.py exited with ${code}: ${err}`));
      else resolve(JSON.parse(out) as PtyRun);
    }),
  );
}
