import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../../support/ports.js';

/** A real nats-server on a loopback port, stopped and started again on the same port by tests. */
export class NatsServer {
  #child: ChildProcess | undefined;
  log = '';

  private constructor(
    readonly port: number,
    private readonly extra: readonly string[],
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** `extra`: more nats-server options, e.g. ['--user', 'ann', '--pass', 's3cret'] or ['--auth', TOKEN]. */
  static async start(extra: readonly string[] = [], port?: number): Promise<NatsServer> {
    const s = new NatsServer(port ?? (await freePort()), extra);
    await s.restart();
    return s;
  }

  /** Starts the server (again) on its port; resolves once it says it is ready. */
  restart(timeoutMs = 5000): Promise<void> {
    const child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(this.port), ...this.extra], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.#child = child;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`nats-server did not start on port ${this.port} within ${timeoutMs} ms:\n${this.log}`));
      }, timeoutMs);
      child.stderr!.on('data', (d: Buffer) => {
        this.log += d.toString();
        if (this.log.includes('Server is ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`nats-server exited with ${code}:\n${this.log}`));
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  async stop(): Promise<void> {
    const child = this.#child;
    this.#child = undefined;
    if (child === undefined || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}
