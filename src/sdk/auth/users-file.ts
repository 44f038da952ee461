import { readFile } from 'node:fs/promises';
import { isPasswordHash } from './passwords.js';

/**
 * A users file: one `name:hash` per line (htpasswd's layout), `#` comments and blank lines
 * ignored. Every hash must be scrypt or bcrypt: a file holding a plain password is refused whole.
 */
export async function readUsersFile(file: string): Promise<Map<string, string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(`cannot read users file ${JSON.stringify(file)}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  const users = new Map<string, string>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const colon = line.indexOf(':');
    const name = line.slice(0, colon);
    const hash = line.slice(colon + 1);
    if (colon <= 0) throw new Error(`users file ${JSON.stringify(file)} line ${i + 1}: expected name:hash`);
    if (!isPasswordHash(hash)) {
      throw new Error(`users file ${JSON.stringify(file)} line ${i + 1}: the password of ${JSON.stringify(name)} is not a scrypt or bcrypt hash (plain text is refused; make one with \`tremolo hash-password\`)`);
    }
    users.set(name, hash);
  });
  return users;
}
