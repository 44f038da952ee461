/**
 * An example JSON-RPC method library, like ouistiti's sample: a small user database in memory
 * with auth, passwd, adduser and rmuser. Passwords are kept as scrypt hashes, never as text.
 * Used by flows/jsonrpc.json5 (`use: ['users-rpc']`, operator `users_rpc`).
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { JsonRpcError, jsonRpcOperator } from 'tremolo';

const hash = (password: string, salt = randomBytes(16)): string => `${salt.toString('hex')}:${scryptSync(password, salt, 32).toString('hex')}`;
const matches = (password: string, stored: string): boolean => {
  const [salt, digest] = stored.split(':') as [string, string];
  return timingSafeEqual(scryptSync(password, Buffer.from(salt, 'hex'), 32), Buffer.from(digest, 'hex'));
};

const users = new Map<string, string>([['admin', hash('admin')]]);
const Credentials = z.strictObject({ user: z.string().min(1), password: z.string().min(1) });
const NO_SUCH_USER = -32001;
const BAD_PASSWORD = -32002;
const USER_EXISTS = -32003;

export default jsonRpcOperator({
  name: 'users_rpc',
  description: 'auth, passwd, adduser, rmuser over an in-memory user database',
  methods: {
    auth: {
      params: Credentials,
      handler: ({ user, password }) => {
        const stored = users.get(user);
        if (stored === undefined) throw new JsonRpcError(NO_SUCH_USER, 'no such user', { user });
        if (!matches(password, stored)) throw new JsonRpcError(BAD_PASSWORD, 'wrong password', { user });
        return { user, authenticated: true };
      },
    },
    passwd: {
      params: z.strictObject({ user: z.string().min(1), old: z.string(), password: z.string().min(8) }),
      handler: ({ user, old, password }) => {
        const stored = users.get(user);
        if (stored === undefined) throw new JsonRpcError(NO_SUCH_USER, 'no such user', { user });
        if (!matches(old, stored)) throw new JsonRpcError(BAD_PASSWORD, 'wrong password', { user });
        users.set(user, hash(password));
        return true;
      },
    },
    adduser: {
      params: Credentials,
      handler: ({ user, password }) => {
        if (users.has(user)) throw new JsonRpcError(USER_EXISTS, 'user exists', { user });
        users.set(user, hash(password));
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
