import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { Inbox, pkg, unpkg, type Received } from './thingsdb-wire.js';

/** One client connection to a ThingsDBPeer: what it sent, package by package, and ways to answer. */
export class PeerConnection {
  readonly inbox = new Inbox<Received>();
  closed = false;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => this.inbox.push(unpkg(data)));
    ws.on('close', () => (this.closed = true));
  }

  next(timeoutMs?: number): Promise<Received> {
    return this.inbox.next('a package from the client', timeoutMs);
  }

  reply(id: number, type: number, value?: unknown): void {
    this.ws.send(pkg(id, type, value));
  }

  /** An event package (id 0xffff). */
  event(type: number, value: unknown): void {
    this.reply(0xffff, type, value);
  }

  /** Drops the connection without a close handshake, as a node that dies would. */
  drop(): void {
    this.ws.terminate();
  }
}

/**
 * A scripted stand-in for a ThingsDB node, for tests of the client side: it records every package
 * of every connection and answers only what the test tells it to.
 */
export class ThingsdbPeer {
  readonly connections = new Inbox<PeerConnection>();

  private constructor(readonly server: WebSocketServer) {
    server.on('connection', (ws) => this.connections.push(new PeerConnection(ws)));
  }

  static start(port = 0): Promise<ThingsdbPeer> {
    return new Promise((resolve, reject) => {
      const server = new WebSocketServer({ host: '127.0.0.1', port });
      server.once('listening', () => resolve(new ThingsdbPeer(server)));
      server.once('error', reject);
    });
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  nextConnection(timeoutMs?: number): Promise<PeerConnection> {
    return this.connections.next('a connection', timeoutMs);
  }

  /** A connection that logged in with `auth`: its AUTH is checked and answered OK. */
  async loggedIn(auth: unknown = ['admin', 'pass'], timeoutMs?: number): Promise<PeerConnection> {
    const conn = await this.nextConnection(timeoutMs);
    const first = await conn.next(timeoutMs);
    if (first.type !== 33 || JSON.stringify(first.value) !== JSON.stringify(auth)) {
      throw new Error(`expected AUTH ${JSON.stringify(auth)} first, got ${JSON.stringify(first)}`);
    }
    conn.reply(first.id, 17);
    return conn;
  }

  stop(): Promise<void> {
    for (const ws of this.server.clients) ws.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
