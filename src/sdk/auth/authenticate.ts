import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { reason } from '../errors.js';
import { queryOf, quote } from '../http/request-target.js';
import { jwtVerifier, type TokenVerifier } from './jwt.js';
import { AttemptThrottle } from './attempt-throttle.js';
import { decoyHash, verifyPassword } from './passwords.js';
import type { AuthConfig } from './schema.js';
import { readUsersFile } from './users-file.js';
import type { Identity } from '../identity.js';

/** Who connected, as events carry it in `meta.<kind>.auth`. */
export type { Identity } from '../identity.js';

export type AuthResult =
  | { readonly ok: true; readonly identity: Identity }
  | { readonly ok: false; readonly status: 401; readonly reason: string; readonly challenge: string }
  | { readonly ok: false; readonly status: 429; readonly reason: string; readonly retryAfterS: number };

export interface Authenticator {
  authenticate(req: IncomingMessage): Promise<AuthResult>;
  /** Checks a token again (a session refreshing it). */
  verifyToken?: TokenVerifier;
}

/** Reads the users file and the keys once; the returned function checks one request. */
export async function createAuthenticator(config: AuthConfig): Promise<Authenticator> {
  const users = config.basic === undefined ? undefined : await readUsersFile(config.basic.users_file);
  const verify = config.jwt === undefined ? undefined : await jwtVerifier(config.jwt);
  const decoy = users === undefined ? '' : decoyHash(users.values());
  const throttle = config.basic === undefined ? undefined : new AttemptThrottle(config.basic.throttle);
  const challenges = [
    ...(config.basic === undefined ? [] : [`Basic realm="${config.basic.realm}", charset="UTF-8"`]),
    ...(verify === undefined ? [] : ['Bearer']),
  ].join(', ');
  const refuse = (why: string): AuthResult => ({ ok: false, status: 401, reason: why, challenge: challenges });

  return {
    verifyToken: verify,
    async authenticate(req) {
      if (config.mtls) {
        const socket = req.socket as TLSSocket;
        if (socket.authorized === true) {
          const cert = socket.getPeerCertificate();
          const cn = cert.subject?.CN;
          return { ok: true, identity: { method: 'mtls', user: Array.isArray(cn) ? cn[0] : cn } };
        }
      }
      const header = req.headers.authorization ?? '';
      const space = header.indexOf(' ');
      const scheme = space < 0 ? header.toLowerCase() : header.slice(0, space).toLowerCase();
      const credentials = space < 0 ? '' : header.slice(space + 1).trim();
      if (scheme === 'basic' && users !== undefined) {
        const basic = basicCredentials(credentials);
        if (typeof basic === 'string') return refuse(basic);
        const address = req.socket.remoteAddress ?? '';
        const wait = throttle!.take(address);
        if (wait !== undefined) return { ok: false, status: 429, reason: `too many failed logins from ${address}; retry in ${wait} s`, retryAfterS: wait };
        const hash = users.get(basic.user);
        // One hash check whether the name exists or not, as costly either way.
        const matches = await verifyPassword(basic.password, hash ?? decoy);
        if (matches && hash !== undefined) {
          throttle!.refund(address);
          return { ok: true, identity: { method: 'basic', user: basic.user } };
        }
        return refuse(`wrong user or password for ${quote(basic.user)}`);
      }
      if (verify !== undefined) {
        // From the raw target, not `new URL(req.url)`: an absolute-form target need not parse.
        const token = scheme === 'bearer' ? credentials : queryOf(req.url).get('access_token');
        if (token) {
          try {
            const t = await verify(token);
            return { ok: true, identity: { method: 'jwt', user: t.user, claims: t.claims, ...(t.expires === undefined ? {} : { expires: t.expires }) } };
          } catch (err) {
            return refuse(`invalid token: ${reason(err)}`);
          }
        }
      }
      return refuse(header === '' ? 'no credentials' : `unsupported authorization scheme ${quote(scheme)}`);
    },
  };
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
// Fatal: two different byte strings must never decode to the same name or password (U+FFFD).
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** RFC 7617's `user:password`, or why the credentials are malformed. */
function basicCredentials(credentials: string): { user: string; password: string } | string {
  // Buffer.from(.., 'base64') skips what is not base64; a malformed header must not become a name.
  if (!BASE64.test(credentials)) return 'malformed Basic credentials: expected base64 of user:password';
  let decoded: string;
  try {
    decoded = utf8.decode(Buffer.from(credentials, 'base64'));
  } catch {
    return 'malformed Basic credentials: not UTF-8';
  }
  const colon = decoded.indexOf(':');
  // Without a colon the whole text may be a password typed as the name: it is not echoed.
  if (colon < 0) return 'malformed Basic credentials: expected user:password';
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
