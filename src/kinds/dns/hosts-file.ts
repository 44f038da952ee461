import { readFileSync } from 'node:fs';
import { isIPv4, isIPv6 } from 'node:net';

/** Addresses by lower-case name, as the hosts file lists them. */
export interface Hosts {
  readonly v4: ReadonlyMap<string, readonly string[]>;
  readonly v6: ReadonlyMap<string, readonly string[]>;
}

export const NO_HOSTS: Hosts = { v4: new Map(), v6: new Map() };

/** Names are matched without case and without a trailing dot, as resolvers do. */
export const hostKey = (name: string): string => name.toLowerCase().replace(/\.$/, '');

/** Parses hosts(5): `address name [aliases...]`, `#` comments; lines that are not that are skipped, as the C library does. */
export function parseHosts(text: string): Hosts {
  const v4 = new Map<string, string[]>();
  const v6 = new Map<string, string[]>();
  for (const raw of text.split('\n')) {
    const [address, ...names] = raw.replace(/#.*/, '').trim().split(/\s+/);
    if (address === undefined || names.length === 0) continue;
    const table = isIPv4(address) ? v4 : isIPv6(address) ? v6 : undefined;
    if (table === undefined) continue;
    for (const name of names) {
      const key = hostKey(name);
      const list = table.get(key);
      if (list === undefined) table.set(key, [address]);
      else if (!list.includes(address)) list.push(address);
    }
  }
  return { v4, v6 };
}

/** The hosts file, or none when it cannot be read (a resolver goes on without it). */
export function readHosts(path: string): Hosts {
  try {
    return parseHosts(readFileSync(path, 'utf8'));
  } catch {
    return NO_HOSTS;
  }
}
