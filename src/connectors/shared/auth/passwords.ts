import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import bcrypt from 'bcryptjs';

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
  if (BCRYPT.test(hash)) return bcrypt.compare(password, hash);
  return false;
}
