/**
 * Programs on a real terminal: python3's pty module gives the child a pseudo-terminal (so its
 * stdout and stderr are TTYs of a set size, as in a person's terminal) and relays it both ways;
 * what the terminal shows is kept in a Screen. Bounded in time like every other child of a test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cliCommand } from './cli.js';
import { Screen } from './terminal.js';

const RELAY = `
import fcntl, os, pty, select, signal, struct, sys, termios
cols, rows, argv = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', rows, cols, 0, 0))
    os.execvp(argv[0], argv)
for s in (signal.SIGINT, signal.SIGTERM):
    signal.signal(s, lambda sig, _: os.kill(pid, sig))
reading = True
while True:
    try:
        r, _, _ = select.select([fd] + ([0] if reading else []), [], [])
    except InterruptedError:
        continue
    if fd in r:
        try:
            data = os.read(fd, 65536)
        except OSError:
            data = b''
        if not data:
            break
        os.write(1, data)
    if 0 in r:
        data = os.read(0, 65536)
        if data:
            os.write(fd, data)
        else:
            reading = False
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status) % 256)
`;

export interface PtyProcess {
  readonly process: ChildProcess;
  readonly screen: Screen;
  /** Everything the program wrote, escape sequences included. */
  raw(): string;
  /** Types on the terminal (`\\u0003` is Ctrl-C: SIGINT to the program, as from a keyboard). */
  type(text: string): void;
  /** Resolves with the first match of `pattern` in what the screen shows (lines joined by \\n). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  readonly done: Promise<number | null>;
}

export interface PtyOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly columns?: number;
  readonly rows?: number;
  readonly timeoutMs?: number;
}

export function startPty(argv: readonly string[], options: PtyOptions = {}): PtyProcess {
  const columns = options.columns ?? 120;
  const rows = options.rows ?? 40;
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm-256color', ...options.env };
  // The test runner turns colours off for its children; a terminal test decides for itself.
  for (const k of ['NO_COLOR', 'FORCE_COLOR']) if (options.env === undefined || !(k in options.env)) delete env[k];
  const child = spawn('python3', ['-c', RELAY, String(columns), String(rows), ...argv], { cwd: options.cwd, env, stdio: ['pipe', 'pipe', 'inherit'] });
  const screen = new Screen(columns);
  let raw = '';
  const listeners = new Set<() => void>();
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => {
    raw += d;
    screen.write(d);
    for (const l of listeners) l();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 180_000);
  const done = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      for (const l of listeners) l();
      resolve(code);
    }),
  );
  return {
    process: child,
    screen,
    raw: () => raw,
    type: (text) => void child.stdin!.write(text),
    done,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const m = pattern.exec(screen.text().join('\n'));
          if (m !== null) {
            finish();
            resolve(m);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            finish();
            reject(new Error(`exited without ${pattern} on the screen:\n${screen.text().join('\n')}`));
          }
        };
        const t = setTimeout(() => {
          finish();
          reject(new Error(`no ${pattern} on the screen within ${timeoutMs} ms:\n${screen.text().join('\n')}`));
        }, timeoutMs);
        const finish = (): void => {
          clearTimeout(t);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
  };
}

/** `tremolo ARGS` on a terminal of its own: the build under test, as cli.ts runs it. */
export const startCliInPty = (args: readonly string[], options: PtyOptions = {}): PtyProcess => startPty(cliCommand(args), options);
