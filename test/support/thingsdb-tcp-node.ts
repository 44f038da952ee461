import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { Inbox, pkg, unpackValue } from './thingsdb-wire.js';

/** One connection to a ScriptedNode: every package it got, whole (header and payload), in order. */
export class NodeConnection {
  readonly packages = new Inbox<Buffer>();
  #buffer = Buffer.alloc(0);

  constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      while (this.#buffer.length >= 8) {
        const size = this.#buffer.readUInt32LE(0);
        if (this.#buffer.length < 8 + size) break;
        const whole = this.#buffer.subarray(0, 8 + size);
        this.#buffer = this.#buffer.subarray(8 + size);
        this.packages.push(whole);
        this.#answer(whole);
      }
    });
    socket.on('error', () => {});
  }

  /** As a node answers: AUTH admin/pass with OK (else -56), PING with PONG, QUERY with its code as DATA. */
  #answer(whole: Buffer): void {
    const id = whole.readUInt16LE(4);
    const type = whole[6]!;
    const value = whole.length > 8 ? unpackValue(whole.subarray(8)) : undefined;
    if (type === 32) this.send(pkg(id, 16));
    else if (type === 33) {
      const ok = Array.isArray(value) && value[0] === 'admin' && value[1] === 'pass';
      this.send(ok ? pkg(id, 17) : pkg(id, 19, { error_code: -56, error_msg: 'invalid username or password' }));
    } else if (type === 34) this.send(pkg(id, 18, (value as unknown[])[1]));
  }

  send(data: Buffer): void {
    this.socket.write(data);
  }
}

/**
 * A scripted stand-in for a ThingsDB node's TCP client port, for tests that need no real node: it
 * reads packages from the byte stream and answers the few that tests use.
 */
export class ScriptedNode {
  readonly connections = new Inbox<NodeConnection>();
  readonly #open = new Set<net.Socket>();

  private constructor(readonly server: net.Server) {
    server.on('connection', (socket) => {
      this.#open.add(socket);
      socket.on('close', () => this.#open.delete(socket));
      this.connections.push(new NodeConnection(socket));
    });
  }

  static start(): Promise<ScriptedNode> {
    return new Promise((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve(new ScriptedNode(server)));
    });
  }

  get address(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  nextConnection(timeoutMs?: number): Promise<NodeConnection> {
    return this.connections.next('a connection to the node', timeoutMs);
  }

  /** Every connection dropped, as a node that dies drops them. */
  dropAll(): void {
    for (const socket of this.#open) socket.destroy();
  }

  stop(): Promise<void> {
    this.dropAll();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
