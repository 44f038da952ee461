import type { ListenOptions, Server } from 'node:net';

/**
 * Binds a server, rejecting with the bind error (a port in use, a path not writable) instead of
 * leaving it to an 'error' event nobody waits for. `reusePort` is Node.js >= 22.12's SO_REUSEPORT;
 * config validation refuses it on older versions, so it is only passed on when asked for.
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
