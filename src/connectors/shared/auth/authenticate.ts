import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { reason } from '../../../runtime/errors.js';
import { jwtVerifier, type TokenVerifier } from './jwt.js';
import { verifyPassword } from './passwords.js';
import type { AuthConfig } from './schema.js';
import { readUsersFile } from './users-file.js';

/** Who connected, as events carry it in `meta.<kind>.auth`. */
export interface Identity {
  readonly method: 'basic' | 'jwt' | 'mtls';
  readonly user: string | undefined;
  readonly claims?: Readonly<Record<string, unknown>>;
  /** Seconds since the epoch when the credentials stop being valid (a token's `exp`). */
  readonly expires?: number;
}

export type AuthResult = { readonly ok: true; readonly identity: Identity } | { readonly ok: false; readonly status: 401; readonly reason: string; readonly challenge: string };

export interface Authenticator {
  authenticate(req: IncomingMessage): Promise<AuthResult>;
  /** Checks a token again (a session refreshing it). */
  verifyToken?: TokenVerifier;
}

/** Reads the users file and the keys once; the returned function checks one request. */
export async function createAuthenticator(config: AuthConfig): Promise<Authenticator> {
  const users = config.basic === undefined ? undefined : await readUsersFile(config.basic.users_file);
  const verify = config.jwt === undefined ? undefined : await jwtVerifier(config.jwt);
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
        const decoded = Buffer.from(credentials, 'base64').toString('utf8');
        const colon = decoded.indexOf(':');
        const user = colon < 0 ? decoded : decoded.slice(0, colon);
        const hash = users.get(user);
        if (hash !== undefined && colon >= 0 && (await verifyPassword(decoded.slice(colon + 1), hash))) {
          return { ok: true, identity: { method: 'basic', user } };
        }
        return refuse(`wrong user or password for ${JSON.stringify(user)}`);
      }
      if (verify !== undefined) {
        const token = scheme === 'bearer' ? credentials : new URL(req.url ?? '/', 'http://x').searchParams.get('access_token');
        if (token) {
          try {
            const t = await verify(token);
            return { ok: true, identity: { method: 'jwt', user: t.user, claims: t.claims, ...(t.expires === undefined ? {} : { expires: t.expires }) } };
          } catch (err) {
            return refuse(`invalid token: ${reason(err)}`);
          }
        }
      }
      return refuse(header === '' ? 'no credentials' : `unsupported authorization scheme ${JSON.stringify(scheme)}`);
    },
  };
}
