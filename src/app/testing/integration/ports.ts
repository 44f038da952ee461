import net from 'node:net';

const PLACEHOLDER = /\$\{port:([A-Za-z0-9_-]+)\}/g;

/** The names of `${port:NAME}` placeholders in some texts. */
export function portNames(texts: Iterable<string>): Set<string> {
  const names = new Set<string>();
  for (const text of texts) for (const m of text.matchAll(PLACEHOLDER)) names.add(m[1]!);
  return names;
}

/** A loopback port that is free now: the kernel picks it, so parallel tests never collide on a fixed one. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function allocatePorts(names: Iterable<string>): Promise<Record<string, number>> {
  const ports: Record<string, number> = {};
  const taken = new Set<number>();
  for (const name of names) {
    let port = await freePort();
    while (taken.has(port)) port = await freePort();
    taken.add(port);
    ports[name] = port;
  }
  return ports;
}

/** Replaces `${port:NAME}` with the allocated port; an unallocated name is left for the flow loader to report. */
export const fillPorts = (text: string, ports: Readonly<Record<string, number>>): string =>
  text.replace(PLACEHOLDER, (m, name: string) => (ports[name] === undefined ? m : String(ports[name])));
