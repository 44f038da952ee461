import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Inbox } from './thingsdb-wire.js';

/**
 * A Python 3 that has websockets and msgpack: Debian's python3-websockets and python3-msgpack go to
 * /usr/bin/python3, which another python3 on the PATH (pyenv's) may hide. `PYTHON` overrides.
 */
export function findPython(): string {
  const candidates = [process.env.PYTHON, '/usr/bin/python3', 'python3'].filter((c): c is string => c !== undefined && c !== '');
  for (const python of candidates) {
    const probe = spawnSync(python, ['-c', 'import websockets, msgpack'], { stdio: 'ignore', timeout: 10_000 });
    if (probe.status === 0) return python;
  }
  throw new Error(`no Python with the websockets and msgpack modules among ${candidates.join(', ')}; install python3-websockets and python3-msgpack`);
}

/** A Python script whose stdout is JSON lines, read one at a time with bounded waits. */
export class PythonScript {
  readonly lines = new Inbox<unknown>();
  stderr = '';
  readonly exited: Promise<number | null>;

  private constructor(readonly process: ChildProcess) {
    let partial = '';
    process.stdout!.on('data', (chunk: Buffer) => {
      partial += chunk.toString();
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const line of lines) if (line.trim() !== '') this.lines.push(JSON.parse(line));
    });
    process.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => process.on('close', (code) => resolve(code)));
  }

  static run(script: string, args: readonly string[], timeoutMs = 20_000): PythonScript {
    const child = spawn(findPython(), [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', () => clearTimeout(timer));
    return new PythonScript(child);
  }

  async next(timeoutMs = 5000): Promise<unknown> {
    try {
      return await this.lines.next('a line from the Python client', timeoutMs);
    } catch (err) {
      throw new Error(`${(err as Error).message}; its stderr: ${this.stderr}`);
    }
  }
}
