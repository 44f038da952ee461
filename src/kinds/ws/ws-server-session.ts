import type { TokenVerifier } from '../../sdk/auth/jwt.js';
import type { ServerSession } from '../../sdk/server-extension.js';
import { refreshIdentity } from './jwt-refresh.js';
import type { ServerConnection } from './ws-server-connection.js';

/**
 * A ws_server connection as server extensions see it (src/sdk/server-extension.ts): made only when
 * the connector has extensions, so a server without any keeps no second object per connection.
 * It gives an extension the connection's socket for answers and closing, and its credentials to
 * replace, and nothing of the connector's own state.
 */
export class WsServerSession implements ServerSession {
  constructor(
    readonly conn: ServerConnection,
    private readonly verifier: () => TokenVerifier | undefined,
  ) {}

  get stream(): number {
    return this.conn.stream.id;
  }

  get key(): string {
    return this.conn.key;
  }

  get identity(): ServerSession['identity'] {
    return this.conn.identity;
  }

  get open(): boolean {
    return this.conn.isOpen() && this.conn.closing !== true;
  }

  sendText(text: string): void {
    if (this.open) this.conn.ws.send(text);
  }

  close(code: number, reason: string): void {
    this.conn.ws.close(code, reason);
  }

  async reauthenticate(token: string | undefined): Promise<string | undefined> {
    const result = await refreshIdentity(this.verifier(), this.conn.identity, token);
    if (!result.ok) return result.reason;
    if (this.open) this.conn.reauthenticate(result.identity);
    return undefined;
  }
}
