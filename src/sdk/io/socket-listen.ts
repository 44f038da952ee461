import type { ListenOptions, Server } from 'node:net';

/**
 * Binds a server, rejecting with the bind error (a port in use, a path not writable) instead of
 * leaving it to an 'error' event nobody waits for. `reusePort` is SO_REUSEPORT, which Node.js
 * versions before 22.12 ignore without a word: callers check `reusePortMissing` (socket-options.ts)
 * first, and it is only passed on when asked for.
 */
export function listen(server: Server, options: ListenOptions & { reusePort?: boolean }): Promise<void> {
  const { reusePort, ...rest } = options;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(reusePort === true ? { ...rest, reusePort } : rest, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
