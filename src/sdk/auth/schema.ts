import { z } from 'zod';

export const JwtSchema = z
  .strictObject({
    secret: z.string().min(1).optional().describe('shared secret of HS256/384/512 tokens (write ${env:NAME})'),
    public_key: z.string().optional().describe('PEM public key file of RS*/ES* tokens'),
    jwks_file: z.string().optional().describe('JSON Web Key Set file'),
    issuer: z.union([z.string(), z.array(z.string())]).optional().describe('accepted `iss`'),
    audience: z.union([z.string(), z.array(z.string())]).optional().describe('accepted `aud`'),
    algorithms: z.array(z.string()).optional().describe('accepted algorithms (default: those of the key kind)'),
    clock_tolerance_s: z.number().min(0).default(0).describe('leeway for exp and nbf'),
  })
  .refine((c) => [c.secret, c.public_key, c.jwks_file].filter((x) => x !== undefined).length === 1, {
    error: 'expected exactly one of "secret", "public_key" or "jwks_file"',
  });
export type JwtConfig = z.output<typeof JwtSchema>;

export const AuthSchema = z
  .strictObject({
    basic: z
      .strictObject({
        users_file: z.string().describe('name:hash lines (scrypt or bcrypt hashes; `tremolo hash-password` makes them)'),
        realm: z
          .string()
          .refine((realm) => !/["\\\x00-\x1f\x7f]/.test(realm), { error: 'expected a realm without quotes, backslashes or control characters (it is written in the WWW-Authenticate header)' })
          .default('tremolo')
          .describe('the realm named in WWW-Authenticate'),
        throttle: z
          .strictObject({
            burst: z.number().int().positive().default(10).describe('password checks a client address may have at once: each takes one, a success gives it back'),
            refill_ms: z.number().int().positive().default(6000).describe('then one more every refill_ms; without one the answer is 429 with Retry-After, and no hash is computed'),
            max_addresses: z.number().int().positive().default(10_000).describe('addresses remembered at most (the longest unseen are forgotten first)'),
          })
          .default({ burst: 10, refill_ms: 6000, max_addresses: 10_000 })
          .describe('failed logins slowed per client address (an IPv6 address by its /64), by each connector in each process'),
      })
      .optional()
      .describe(
        'HTTP Basic authentication, { users_file, realm, throttle }: every attempt naming a user runs one hash check, a known name or not (against a decoy as costly as the most common hash of the file), so the time of a 401 does not tell which names exist; a client address (an IPv6 one by its /64) may have throttle.burst (10) checks at once, each success giving its check back, then one more every throttle.refill_ms (6000), else 429 with Retry-After and no hash is computed; throttle.max_addresses (10000) are remembered, by each connector in each process',
      ),
    jwt: JwtSchema.optional().describe('Bearer JWT, in Authorization or the access_token query parameter'),
    mtls: z.boolean().default(false).describe('a client certificate signed by tls.ca authenticates (its subject CN is the user)'),
  })
  .refine((c) => c.basic !== undefined || c.jwt !== undefined || c.mtls, { error: 'expected at least one of basic, jwt or mtls' })
  .describe('who may connect: checked at the handshake, before any event; a refusal is 401');
export type AuthConfig = z.output<typeof AuthSchema>;
