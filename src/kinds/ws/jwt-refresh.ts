import { reason } from '../../sdk/errors.js';
import type { Identity } from '../../sdk/auth/authenticate.js';
import type { TokenVerifier } from '../../sdk/auth/jwt.js';

/** Node's timers overflow past 2^31 - 1 ms (about 24.8 days) and would fire at once. */
const MAX_DELAY = 2 ** 31 - 1;

/**
 * Closes a session when its credentials expire (`expires` in seconds since the epoch); `move`
 * sets a new expiry (a refreshed token). Far expiries wait in steps, so a token valid for a year
 * does not close the session at once.
 */
export class SessionExpiry {
  #timer: NodeJS.Timeout | undefined;

  constructor(
    expires: number | undefined,
    private readonly onExpire: () => void,
  ) {
    this.move(expires);
  }

  move(expires: number | undefined): void {
    this.clear();
    if (expires === undefined) return;
    const wait = (): void => {
      const left = expires * 1000 - Date.now();
      if (left <= 0) {
        this.#timer = undefined;
        this.onExpire();
      } else this.#timer = setTimeout(wait, Math.min(left, MAX_DELAY));
    };
    wait();
  }

  clear(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}

export type Refresh = { readonly ok: true; readonly identity: Identity } | { readonly ok: false; readonly reason: string };

/**
 * Checks a token a session sends to replace its own (a server extension's token refresh message):
 * it must verify as at the handshake, and name the same subject as the session's identity.
 */
export async function refreshIdentity(verify: TokenVerifier | undefined, current: Identity | undefined, token: string | undefined): Promise<Refresh> {
  if (verify === undefined) return { ok: false, reason: 'token refresh needs auth.jwt' };
  if (token === undefined) return { ok: false, reason: 'no token in the token refresh' };
  let t: Awaited<ReturnType<TokenVerifier>>;
  try {
    t = await verify(token);
  } catch (err) {
    return { ok: false, reason: `invalid token: ${reason(err)}` };
  }
  if (current === undefined || t.user !== current.user) {
    return { ok: false, reason: `the new token is for subject ${JSON.stringify(t.user ?? null)}, the session’s is ${JSON.stringify(current?.user ?? null)}` };
  }
  return { ok: true, identity: { method: 'jwt', user: t.user, claims: t.claims, ...(t.expires === undefined ? {} : { expires: t.expires }) } };
}
