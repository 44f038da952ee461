/**
 * An example JSON-RPC method library, like ouistiti's sample: a small user database in memory
 * with auth, passwd, adduser and rmuser. Passwords are kept as scrypt hashes, never as text, and
 * hashed off the event loop (node's async scrypt), so a batch of logins does not stall the other
 * connections. `auth` logs the connection in; adduser and rmuser need a connection logged in, and
 * a user other than admin may remove only itself; admin cannot be removed.
 * Used by flows/jsonrpc.json5 (`use: ['users-rpc']`, operator `users_rpc`). Each operator instance
 * has its own database: a module is imported once per process, and two flows in it keep apart.
 *
 * It also takes the parameter names of ouistiti's authrpc, so ouistiti's pages and scripts work
 * unchanged: `passwd` for `password`; for passwd, `old`, `new` and `confirm` (which must equal
 * `new`); adduser's `home` and `group` are accepted and not kept. Errors keep JSON-RPC's codes.
 */
import { z } from 'zod';
import { hashPassword, JsonRpcError, jsonRpcOperator, verifyPassword, type MethodContext, type Methods } from 'tremolo';

/** A hash being made; a failure surfaces where it is awaited, never as an unhandled rejection. */
const hashed = (password: string): Promise<string> => {
  const hash = hashPassword(password);
  hash.catch(() => undefined);
  return hash;
};

const ADMIN = 'admin';
/** Passwords longer than this are refused as invalid params: hashing is the costly part of a call. */
const MAX_PASSWORD = 1024;
const Password = z.string().min(1).max(MAX_PASSWORD);
const User = z.string().min(1).max(256);

/** ouistiti's authrpc names, as tremolo's: a name given both ways is refused as an unknown key. */
const renamed =
  (names: Record<string, string>) =>
  (params: unknown): unknown => {
    if (params === null || typeof params !== 'object' || Array.isArray(params)) return params;
    const out: Record<string, unknown> = { ...(params as Record<string, unknown>) };
    for (const [from, to] of Object.entries(names)) {
      if (from in out && !(to in out)) {
        out[to] = out[from];
        delete out[from];
      }
    }
    return out;
  };
const Credentials = z.preprocess(renamed({ passwd: 'password' }), z.strictObject({ user: User, password: Password }));
const NewUser = z.preprocess(
  renamed({ passwd: 'password' }),
  // ouistiti's page sends its home and group fields; this example keeps neither.
  z.strictObject({ user: User, password: Password, home: z.string().max(4096).optional(), group: z.string().max(256).optional() }),
);
const Passwd = z.preprocess(
  renamed({ new: 'password' }),
  z
    .strictObject({ user: User, old: z.string().max(MAX_PASSWORD), password: Password.min(8), confirm: z.string().max(MAX_PASSWORD).optional() })
    .refine((p) => p.confirm === undefined || p.confirm === p.password, { path: ['confirm'], message: 'expected the same as the new password' }),
);
const Removal = z.preprocess(renamed({ passwd: 'password' }), z.strictObject({ user: User, password: Password.optional() }));
const NO_SUCH_USER = -32001;
const BAD_PASSWORD = -32002;
const USER_EXISTS = -32003;
const NOT_LOGGED_IN = -32004;
const FORBIDDEN = -32005;

/** The methods over a user database of their own, made for each operator instance. */
function userMethods(): Methods {
  /** User → the scrypt hash of its password (a promise while it is being made). */
  const users = new Map<string, Promise<string>>([[ADMIN, hashed('admin')]]);

  async function check(user: string, password: string): Promise<void> {
    const stored = users.get(user);
    if (stored === undefined) throw new JsonRpcError(NO_SUCH_USER, 'no such user', { user });
    if (!(await verifyPassword(password, await stored))) throw new JsonRpcError(BAD_PASSWORD, 'wrong password', { user });
  }

  /** The user this connection logged in as, while that user exists. */
  function loggedIn(ctx: MethodContext): string {
    const user = ctx.session.user;
    if (typeof user !== 'string' || !users.has(user)) throw new JsonRpcError(NOT_LOGGED_IN, 'not logged in: call auth first');
    return user;
  }

  return {
    auth: {
      params: Credentials,
      handler: async ({ user, password }, ctx) => {
        await check(user, password);
        ctx.session.user = user;
        return { user, authenticated: true };
      },
    },
    passwd: {
      params: Passwd,
      handler: async ({ user, old, password }) => {
        await check(user, old);
        users.set(user, hashed(password));
        return true;
      },
    },
    adduser: {
      params: NewUser,
      handler: ({ user, password }, ctx) => {
        loggedIn(ctx);
        if (users.has(user)) throw new JsonRpcError(USER_EXISTS, 'user exists', { user });
        users.set(user, hashed(password));
        return { user };
      },
    },
    rmuser: {
      // With its password, a user removes itself without logging in first (ouistiti's rmuser).
      params: Removal,
      handler: async ({ user, password }, ctx) => {
        if (password !== undefined) await check(user, password);
        const me = password !== undefined ? user : loggedIn(ctx);
        if (user === ADMIN || (me !== ADMIN && me !== user)) throw new JsonRpcError(FORBIDDEN, user === ADMIN ? 'admin cannot be removed' : 'only admin removes other users', { user });
        if (!users.delete(user)) throw new JsonRpcError(NO_SUCH_USER, 'no such user', { user });
        return true;
      },
    },
    users: { handler: () => [...users.keys()].sort() },
  };
}

export default jsonRpcOperator({
  name: 'users_rpc',
  description: 'auth, passwd, adduser, rmuser over an in-memory user database (one per operator instance); adduser and rmuser need a connection logged in with auth',
  methods: userMethods,
});
