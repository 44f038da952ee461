import { hashPassword } from '../../sdk/auth/passwords.js';
import { COMMANDS } from './commands.js';
import { HASH_PASSWORD_HELP } from './help.js';
import { parse } from './options.js';

/** Reads a password from stdin (never from the command line, where `ps` would show it). */
async function readPassword(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

export async function hashPasswordCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(argv, COMMANDS['hash-password']!.options);
  if (values.help) {
    process.stdout.write(HASH_PASSWORD_HELP);
    return 0;
  }
  const password = await readPassword();
  if (password === '') {
    process.stderr.write('tremolo hash-password: no password on stdin\n');
    return 2;
  }
  const hash = await hashPassword(password);
  process.stdout.write(positionals[0] === undefined ? `${hash}\n` : `${positionals[0]}:${hash}\n`);
  return 0;
}
