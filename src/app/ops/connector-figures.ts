/**
 * Figures read off a connector's status, the same way for the status table, /metrics and the live
 * graph, so that the three never disagree.
 */

/** Events over every port of `ports` but `skip`. */
export const sum = (ports: Record<string, number> | undefined, skip?: string): number =>
  Object.entries(ports ?? {}).reduce((n, [p, v]) => (p === skip ? n : n + v), 0);

/** Open connections: a server's count, 1 or 0 for a client, undefined for a kind that has neither. */
export const connectionsOf = (status: Readonly<Record<string, unknown>>): number | undefined =>
  typeof status.connections === 'number' ? status.connections : typeof status.connected === 'boolean' ? (status.connected ? 1 : 0) : undefined;
