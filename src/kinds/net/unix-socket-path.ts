import { lstat, unlink } from 'node:fs/promises';
import net from 'node:net';

/**
 * A socket file's mode, written in octal: `"0o600"`, `"0600"`, `"600"`, or Tremor's `"=600"`.
 * Returns the mode, or the reason the text is not one.
 */
export function parsePermissions(text: string): number | string {
  const m = /^(?:=|0o|0)?([0-7]{1,4})$/i.exec(text.trim());
  if (m === null) return `expected an octal mode such as "0o600", "600" or "=600", received ${JSON.stringify(text)}`;
  return parseInt(m[1]!, 8);
}

/**
 * Makes the path free for a new listener. A socket file left by a process that died is removed;
 * one that someone still answers on, or anything that is not a socket, is refused: removing it
 * would cut off a live server or destroy a file that was never ours.
 */
export async function claimSocketPath(path: string, probeMs = 1000): Promise<void> {
  let stats;
  try {
    stats = await lstat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (!stats.isSocket()) throw new Error(`${path} exists and is not a socket; refusing to replace it`);
  if (await answers(path, probeMs)) throw new Error(`${path} is in use: another process is listening on it`);
  try {
    await unlink(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** Whether a server accepts connections on the socket file (a stale file refuses them). */
function answers(path: string, probeMs: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = net.connect({ path });
    const done = (alive: boolean | Error): void => {
      clearTimeout(timer);
      probe.destroy();
      if (alive instanceof Error) reject(alive);
      else resolve(alive);
    };
    // A listener too busy to accept within the probe time is still a listener.
    const timer = setTimeout(() => done(true), probeMs);
    probe.once('connect', () => done(true));
    probe.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED' || err.code === 'ENOENT') done(false);
      else if (err.code === 'EAGAIN') done(true); // its backlog is full: very much alive
      else done(new Error(`cannot tell whether ${path} is in use: ${err.message}`));
    });
  });
}

/** Removes the socket file a listener leaves behind; one already gone is fine. */
export async function releaseSocketPath(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
