import path from 'node:path';
import { startFlow, type TestFlow } from '../../../src/app/testing/index.js';
import { repoRoot } from '../../../test/support/cli.js';
import { TestClient } from '../../../test/support/ws.js';

export const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** flows/ditto.json5 on a free port. */
export const startDitto = (args: Record<string, unknown> = {}): Promise<TestFlow> =>
  startFlow(path.join(repoRoot, 'flows/ditto.json5'), { args: { url: 'ws://127.0.0.1:0', ...args } });

/** A hand-written Ditto session: JSON messages and control messages, every answer recorded. */
export class DittoSession {
  #read = 0;
  private constructor(readonly client: TestClient) {}

  static async open(flow: TestFlow, headers: Record<string, string> = { authorization: basic('ditto', 'ditto') }): Promise<DittoSession> {
    return new DittoSession(await TestClient.open(`${flow.address('ws')}/ws/2`, { headers }));
  }

  send(message: unknown): void {
    this.client.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next message not read yet, as text. */
  async nextText(timeoutMs = 2000): Promise<string> {
    const all = await this.client.waitFor(this.#read + 1, timeoutMs);
    return all[this.#read++]!;
  }

  async next(timeoutMs = 2000): Promise<Record<string, any>> {
    return JSON.parse(await this.nextText(timeoutMs)) as Record<string, any>;
  }

  /** Sends a control message and returns its answer. */
  async control(text: string): Promise<string> {
    this.send(text);
    return this.nextText();
  }

  /** Sends a command and returns its response (the next message). */
  async ask(topic: string, path: string, value?: unknown, headers: Record<string, unknown> = {}): Promise<Record<string, any>> {
    this.send({ topic, headers: { 'correlation-id': `c-${Math.random().toString(36).slice(2)}`, ...headers }, path, ...(value === undefined ? {} : { value }) });
    return this.next();
  }

  /** Messages received and not read. */
  get unread(): number {
    return this.client.messages.length - this.#read;
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
