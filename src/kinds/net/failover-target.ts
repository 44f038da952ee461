import type { Socket } from 'node:net';
import { reason } from '../../sdk/errors.js';
import type { SocketTarget } from '../../sdk/io/socket-dial.js';

/**
 * Several addresses of one service (the nodes of a cluster) as one target: a dial tries them in
 * turn, starting with the one that answered last, and fails only when none answers, naming each
 * reason. Starting where the last success was keeps new connections off a node that is down
 * without paying its connect timeout every time; the order is otherwise the configured one, so a
 * primary comes back into use once the node in front of it fails.
 */
export function failoverTarget(targets: readonly SocketTarget[]): SocketTarget {
  if (targets.length === 1) return targets[0]!;
  let preferred = 0;
  const byLocal = new WeakMap<Socket, SocketTarget>();
  return {
    label: targets.map((t) => t.label).join(' or '),
    async dial(signal) {
      const failures: string[] = [];
      for (let i = 0; i < targets.length; i++) {
        const index = (preferred + i) % targets.length;
        const target = targets[index]!;
        try {
          const socket = await target.dial(signal);
          preferred = index;
          byLocal.set(socket, target);
          return socket;
        } catch (err) {
          if (signal.aborted) throw err;
          failures.push(`${target.label}: ${reason(err)}`);
        }
      }
      throw new Error(failures.join('; '));
    },
    inner: (socket) => (byLocal.get(socket) ?? targets[0]!).inner(socket),
  };
}
