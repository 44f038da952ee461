/**
 * How a reference server lives: it listens on 127.0.0.1, port 0, prints the port it got as its first
 * line of stdout (what the runner waits for), and exits on SIGTERM or SIGINT, or when its stdin
 * closes, so that a runner that dies without cleaning up does not leave it behind.
 */
import type { AddressInfo } from 'node:net';
import type { WebSocketServer } from 'ws';

export function announce(wss: WebSocketServer): void {
  wss.once('listening', () => process.stdout.write(`${(wss.address() as AddressInfo).port}\n`));
  wss.on('error', (err) => {
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  });
  exitWithParent();
}

/** Exits on a signal or when stdin closes, after `stop` (bounded to 3 s) if one is given. */
export function exitWithParent(stop?: () => Promise<void>): void {
  let exiting = false;
  const exit = (): void => {
    if (exiting) process.exit(1);
    exiting = true;
    setTimeout(() => process.exit(1), 3000).unref();
    void (stop?.() ?? Promise.resolve()).finally(() => process.exit(0));
  };
  process.on('SIGTERM', exit);
  process.on('SIGINT', exit);
  process.stdin.on('end', exit);
  process.stdin.on('error', exit);
  process.stdin.resume();
}
