import WebSocket from 'ws';

/** A WebSocket client for tests: every message is recorded, and waits are bounded in time. */
export class TestClient {
  readonly messages: { data: string; binary: boolean }[] = [];
  #waiters: (() => void)[] = [];
  closed: { code: number; reason: string } | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer, binary: boolean) => {
      this.messages.push({ data: binary ? data.toString('hex') : data.toString(), binary });
      this.#wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.#wake();
    });
  }

  static open(url: string, options: WebSocket.ClientOptions & { servername?: string } = {}, timeoutMs = 2000): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options);
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error(`could not connect to ${url} within ${timeoutMs} ms`));
      }, timeoutMs);
      ws.once('open', () => {
        clearTimeout(timer);
        resolve(new TestClient(ws));
      });
      ws.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
  }

  send(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  /** Resolves once `count` messages have arrived in all. */
  async waitFor(count: number, timeoutMs = 2000): Promise<string[]> {
    await this.until(() => this.messages.length >= count, timeoutMs, `${count} messages (have ${this.messages.length})`);
    return this.messages.map((m) => m.data);
  }

  /**
   * Resolves once `count` messages have arrived, for as long as they keep coming: for a flood that
   * takes seconds on a quiet machine and minutes on a loaded one. Fails when none has come for
   * `stallMs`, or when the connection closes first.
   */
  async waitForSteady(count: number, stallMs = 20_000): Promise<string[]> {
    while (this.messages.length < count) {
      const had = this.messages.length;
      await this.until(() => this.messages.length > had || this.closed !== undefined, stallMs, `${count} messages (have ${had}, none for ${stallMs} ms)`);
      if (this.closed !== undefined && this.messages.length < count) {
        throw new Error(`closed with ${this.closed.code} ${JSON.stringify(this.closed.reason)} while waiting for ${count} messages (have ${this.messages.length})`);
      }
    }
    return this.messages.map((m) => m.data);
  }

  async waitClosed(timeoutMs = 2000): Promise<{ code: number; reason: string }> {
    await this.until(() => this.closed !== undefined, timeoutMs, 'the connection to close');
    return this.closed!;
  }

  until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${this.received()}`)), timeoutMs);
      const check = (): void => {
        if (condition()) {
          clearTimeout(timer);
          resolve();
        } else this.#waiters.push(check);
      };
      this.#waiters.push(check);
    });
  }

  /**
   * What arrived, for a failure message: every message when they are few and short, else the count
   * and the first and last few, each cut short (a flood test receives megabytes).
   */
  received(): string {
    const all = this.messages.map((m) => m.data);
    const cut = (d: string): string => (d.length > 200 ? `${d.slice(0, 200)}… (${d.length} characters)` : d);
    if (all.length <= 20 && all.every((d) => d.length <= 200)) return `received ${JSON.stringify(all)}`;
    const shown = all.length <= 10 ? all.map(cut) : [...all.slice(0, 5).map(cut), `… ${all.length - 10} more …`, ...all.slice(-5).map(cut)];
    return `received ${all.length} messages: ${JSON.stringify(shown)}`;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.ws.close();
    return this.waitClosed().then(() => undefined);
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}
