import { Packr } from 'msgpackr';
import WebSocket from 'ws';

/**
 * ThingsDB packages written and read for tests, independently of the code under test (msgpackr
 * directly, plain MessagePack), and a raw WebSocket client that speaks them: every wait bounded.
 */
const packr = new Packr({ useRecords: false, mapsAsObjects: true, variableMapSize: true } as ConstructorParameters<typeof Packr>[0]);

export interface Received {
  readonly id: number;
  readonly type: number;
  readonly value: unknown;
}

/** A package: the 8-byte header, then `value` as MessagePack (nothing when undefined). */
export function pkg(id: number, type: number, value?: unknown): Buffer {
  const payload = value === undefined ? Buffer.alloc(0) : packr.pack(value);
  const header = Buffer.alloc(8);
  header.writeUInt32LE(payload.length, 0);
  header.writeUInt16LE(id, 4);
  header[6] = type;
  header[7] = type ^ 0xff;
  return Buffer.concat([header, payload]);
}

/** A payload's value, read as plain MessagePack. */
export const unpackValue = (payload: Buffer): unknown => packr.unpack(payload);

export function unpkg(message: Buffer): Received {
  const size = message.readUInt32LE(0);
  if (message.length !== 8 + size) throw new Error(`a package of ${message.length} bytes declares a payload of ${size}`);
  if (message[7] !== (message[6]! ^ 0xff)) throw new Error(`bad check byte in ${message.toString('hex')}`);
  return { id: message.readUInt16LE(4), type: message[6]!, value: size === 0 ? undefined : packr.unpack(message.subarray(8)) };
}

export const hex = (text: string): Buffer => Buffer.from(text.replace(/\s+/g, ''), 'hex');

/** Items in arrival order, taken one at a time with a bounded wait. */
export class Inbox<T> {
  readonly all: T[] = [];
  #read = 0;
  #wake: (() => void) | undefined;

  push(item: T): void {
    this.all.push(item);
    this.#wake?.();
  }

  /** Whether everything that arrived has been taken. */
  get drained(): boolean {
    return this.#read === this.all.length;
  }

  async next(what: string, timeoutMs = 2000): Promise<T> {
    if (this.#read < this.all.length) return this.all[this.#read++]!;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#wake = undefined;
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
    });
    return this.all[this.#read++]!;
  }
}

/** A WebSocket connection that sends packages and reads what comes back, package by package. */
export class WireClient {
  readonly inbox = new Inbox<Buffer>();
  closed: { code: number; reason: string } | undefined;
  readonly #closedWaiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => this.inbox.push(data));
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.#closedWaiters.splice(0).forEach((w) => w());
    });
  }

  static open(url: string, options: { protocols?: string[]; ca?: Buffer } = {}, timeoutMs = 2000): Promise<WireClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options.protocols ?? [], options.ca === undefined ? {} : { ca: options.ca });
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error(`could not connect to ${url} within ${timeoutMs} ms`));
      }, timeoutMs);
      ws.once('open', () => {
        clearTimeout(timer);
        resolve(new WireClient(ws));
      });
      ws.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  send(data: Buffer): void {
    this.ws.send(data, { binary: true });
  }

  /** The next message as hex, to compare with the reference byte for byte. */
  async nextHex(timeoutMs?: number): Promise<string> {
    return (await this.inbox.next('a message', timeoutMs)).toString('hex');
  }

  async next(timeoutMs?: number): Promise<Received> {
    return unpkg(await this.inbox.next('a package', timeoutMs));
  }

  /** Sends a request and returns the next package (its answer, when nothing else is under way). */
  async ask(id: number, type: number, value?: unknown): Promise<Received> {
    this.send(pkg(id, type, value));
    return this.next();
  }

  waitClosed(timeoutMs = 2000): Promise<{ code: number; reason: string }> {
    if (this.closed !== undefined) return Promise.resolve(this.closed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the connection was not closed within ${timeoutMs} ms`)), timeoutMs);
      this.#closedWaiters.push(() => {
        clearTimeout(timer);
        resolve(this.closed!);
      });
    });
  }

  close(): Promise<unknown> {
    if (this.closed !== undefined) return Promise.resolve();
    this.ws.close();
    return this.waitClosed();
  }
}
