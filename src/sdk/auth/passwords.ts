import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { bcryptCompare } from './bcrypt-thread.js';

/**
 * Password hashes for users files: scrypt in a PHC-style string (`$scrypt$N=...,r=...,p=...$salt$hash`,
 * what `tremolo hash-password` writes) and bcrypt (`$2a$`, `$2b$`, `$2y$`, what `htpasswd -B`
 * writes). Anything else, plain text above all, is refused when the file is read.
 */
const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> =>
  new Promise((resolve, reject) => scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));

const SCRYPT = /^\$scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;
const BCRYPT = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;

export const isPasswordHash = (hash: string): boolean => SCRYPT.test(hash) || BCRYPT.test(hash);

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const [N, r, p] = [16384, 8, 1];
  const key = await scrypt(password, salt, 32, { N, r, p, maxmem: 64 * 1024 * 1024 });
  return `$scrypt$N=${N},r=${r},p=${p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const s = SCRYPT.exec(hash);
  if (s !== null) {
    const [, N, r, p, salt, digest] = s as unknown as [string, string, string, string, string, string];
    const expected = Buffer.from(digest, 'base64');
    const key = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, { N: Number(N), r: Number(r), p: Number(p), maxmem: 256 * 1024 * 1024 });
    return timingSafeEqual(key, expected);
  }
  if (BCRYPT.test(hash)) return bcryptCompare(password, hash);
  return false;
}

const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** What a check of the hash costs: its scheme and parameters (and, for scrypt, the salt and key sizes). */
function costOf(hash: string): string | undefined {
  const s = SCRYPT.exec(hash);
  if (s !== null) return `${hash.slice(0, hash.indexOf('$', 8) + 1)}${Buffer.from(s[4]!, 'base64').length}$${Buffer.from(s[5]!, 'base64').length}`;
  return BCRYPT.test(hash) ? hash.slice(0, 7) : undefined;
}

/**
 * A hash that no password matches and that costs as much to check as the most common cost among
 * `hashes`: a name not in the users file is checked against it, so that it is answered as slowly
 * as a known name with a wrong password (else the time of a 401 tells which names exist).
 */
export function decoyHash(hashes: Iterable<string>): string {
  const counts = new Map<string, number>();
  for (const h of hashes) {
    const cost = costOf(h);
    if (cost !== undefined) counts.set(cost, (counts.get(cost) ?? 0) + 1);
  }
  let cost = '$scrypt$N=16384,r=8,p=1$16$32';
  let most = 0;
  for (const [c, n] of counts) if (n > most) [cost, most] = [c, n];
  if (cost.startsWith('$2')) {
    const random = randomBytes(53);
    return `${cost}${Array.from(random, (b) => BCRYPT_ALPHABET[b & 63]).join('')}`;
  }
  const [prefix, saltLength, keyLength] = /^(.*\$)(\d+)\$(\d+)$/.exec(cost)!.slice(1) as [string, string, string];
  return `${prefix}${randomBytes(Number(saltLength)).toString('base64')}$${randomBytes(Number(keyLength)).toString('base64')}`;
}
