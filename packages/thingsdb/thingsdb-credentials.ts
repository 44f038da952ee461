/**
 * Who may authenticate to the example endpoint: users with passwords given as args (a fresh
 * ThingsDB node has `admin` / `pass`), users from a users file in the layout ws_server's Basic
 * authentication reads (`name:hash` lines of scrypt or bcrypt hashes, what `tremolo hash-password`
 * writes), and tokens. Hashes are checked by tremolo's own password functions.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isPasswordHash, verifyPassword } from 'tremolo';
import { ErrorCode, ThingsdbError } from './thingsdb-protocol.js';

export interface CredentialsConfig {
  readonly users?: Readonly<Record<string, string>> | null | undefined;
  readonly users_file?: string | null | undefined;
  readonly tokens?: Readonly<Record<string, string>> | null | undefined;
}

type Secret = { readonly plain: string } | { readonly hash: string };

const invalidLogin = (): ThingsdbError => new ThingsdbError(ErrorCode.AUTH_ERROR, 'invalid username or password');

// Equal-length digests, so that the comparison takes the same time whatever the password.
const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
const same = (a: string, b: string): boolean => timingSafeEqual(digest(a), digest(b));

function readUsers(file: string): Map<string, Secret> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`cannot read users file ${JSON.stringify(file)}: ${(err as Error).message}`);
  }
  const users = new Map<string, Secret>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`users file ${JSON.stringify(file)} line ${i + 1}: expected name:hash`);
    const hash = line.slice(colon + 1);
    if (!isPasswordHash(hash)) {
      throw new Error(`users file ${JSON.stringify(file)} line ${i + 1}: the password of ${JSON.stringify(line.slice(0, colon))} is not a scrypt or bcrypt hash (make one with \`tremolo hash-password\`)`);
    }
    users.set(line.slice(0, colon), { hash });
  });
  return users;
}

export class Credentials {
  readonly #users: Map<string, Secret>;
  readonly #tokens: ReadonlyMap<string, string>;

  /** Throws when the users file cannot be read or holds a plain-text password. */
  constructor(config: CredentialsConfig) {
    const given = config.users ?? (config.users_file == null ? { admin: 'pass' } : {});
    this.#users = new Map(Object.entries(given).map(([name, plain]) => [name, { plain }]));
    if (config.users_file != null) for (const [name, secret] of readUsers(config.users_file)) this.#users.set(name, secret);
    this.#tokens = new Map(Object.entries(config.tokens ?? {}));
  }

  /**
   * The user an AUTH payload (`[user, pass]` or a token) names, or ThingsDB's error. Synchronous
   * unless a hash must be checked, so that a pipelined AUTH and QUERY are answered in order.
   */
  authenticate(payload: unknown): string | Promise<string> {
    if (typeof payload === 'string') {
      for (const [token, user] of this.#tokens) if (same(token, payload)) return user;
      throw new ThingsdbError(ErrorCode.AUTH_ERROR, 'invalid token');
    }
    if (!Array.isArray(payload) || payload.length !== 2 || typeof payload[0] !== 'string' || typeof payload[1] !== 'string') {
      throw new ThingsdbError(ErrorCode.BAD_DATA, 'invalid authentication request');
    }
    const [user, password] = payload as [string, string];
    const secret = this.#users.get(user);
    if (secret === undefined) throw invalidLogin();
    if ('plain' in secret) {
      if (same(secret.plain, password)) return user;
      throw invalidLogin();
    }
    return verifyPassword(password, secret.hash).then((ok) => {
      if (ok) return user;
      throw invalidLogin();
    });
  }
}
