/**
 * An example JSON-RPC method library, like ouistiti's sample: a small user database in memory
 * with auth, passwd, adduser and rmuser. Passwords are kept as scrypt hashes, never as text.
 * Used by flows/jsonrpc.json5 (`use: ['users-rpc']`, operator `users_rpc`).
 */
import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { z } from 'zod';
import { JsonRpcError, jsonRpcOperator } from 'tremolo';

// scrypt on libuv's thread pool, not on the event loop: a peer asking for many hashes at once (a
// batch of auth calls) must not stall every other connection for their duration.
const scryptAsync = promisify(scrypt) as (password: string, salt: Buffer, length: number) => Promise<Buffer>;
const hash = async (password: string, salt = randomBytes(16)): Promise<string> => `${salt.toString('hex')}:${(await scryptAsync(password, salt, 32)).toString('hex')}`;
const matches = async (password: string, stored: string): Promise<boolean> => {
  const [salt, digest] = stored.split(':');
  // A user still being added has no hash yet.
  if (salt === undefined || digest === undefined) return false;
  return timingSafeEqual(await scryptAsync(password, Buffer.from(salt, 'hex'), 32), Buffer.from(digest, 'hex'));
};

// The one hash made at start-up may block: nobody is connected yet.
const bootSalt = randomBytes(16);
const users = new Map<string, string>([['admin', `${bootSalt.toString('hex')}:${scryptSync('admin', bootSalt, 32).toString('hex')}`]]);
/** Passwords longer than this are refused as invalid params: hashing is the costly part of a call. */
const MAX_PASSWORD = 1024;
const Password = z.string().min(1).max(MAX_PASSWORD);
const Credentials = z.strictObject({ user: z.string().min(1).max(256), password: Password });
const NO_SUCH_USER = -32001;
const BAD_PASSWORD = -32002;
const USER_EXISTS = -32003;

export default jsonRpcOperator({
  name: 'users_rpc',
  description: 'auth, passwd, adduser, rmuser over an in-memory user database',
  methods: {
    auth: {
      params: Credentials,
      handler: async ({ user, password }) => {
        const stored = users.get(user);
        if (stored === undefined) throw new JsonRpcError(NO_SUCH_USER, 'no such user', { user });
        if (!(await matches(password, stored))) throw new JsonRpcError(BAD_PASSWORD, 'wrong password', { user });
        return { user, authenticated: true };
      },
    },
    passwd: {
      params: z.strictObject({ user: z.string().min(1).max(256), old: z.string().max(MAX_PASSWORD), password: Password.min(8) }),
      handler: async ({ user, old, password }) => {
        const stored = users.get(user);
        if (stored === undefined) throw new JsonRpcError(NO_SUCH_USER, 'no such user', { user });
        if (!(await matches(old, stored))) throw new JsonRpcError(BAD_PASSWORD, 'wrong password', { user });
        users.set(user, await hash(password));
        return true;
      },
    },
    adduser: {
      params: Credentials,
      handler: async ({ user, password }) => {
        if (users.has(user)) throw new JsonRpcError(USER_EXISTS, 'user exists', { user });
        // Taken at once: a second adduser of the name in the same batch is refused while this one hashes.
        users.set(user, '');
        users.set(user, await hash(password));
        return { user };
      },
    },
    rmuser: {
      params: z.strictObject({ user: z.string().min(1) }),
      handler: ({ user }) => {
        if (!users.delete(user)) throw new JsonRpcError(NO_SUCH_USER, 'no such user', { user });
        return true;
      },
    },
    users: { handler: () => [...users.keys()].sort() },
  },
});
