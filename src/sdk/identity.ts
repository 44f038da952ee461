/** Who a connection authenticated as: what `meta.<kind>.auth` carries, and what a server extension sees of a session. */
export interface Identity {
  readonly method: 'basic' | 'jwt' | 'mtls';
  readonly user: string | undefined;
  readonly claims?: Readonly<Record<string, unknown>>;
  /** Seconds since the epoch when the credentials stop being valid (a token's `exp`). */
  readonly expires?: number;
}
