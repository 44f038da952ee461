import { createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { JWTPayload, JWTVerifyGetKey, KeyObject, CryptoKey } from 'jose';
import type { JwtConfig } from './schema.js';

/** What a valid token says: its subject and all its claims. */
export interface TokenIdentity {
  readonly user: string | undefined;
  readonly claims: JWTPayload;
  /** When it stops being valid (seconds since the epoch), from `exp`. */
  readonly expires: number | undefined;
}

export type TokenVerifier = (token: string) => Promise<TokenIdentity>;

/** The algorithms a public key can verify, from what the key is (not from guessing at its text). */
function pemAlgorithms(pem: string): string[] {
  const key = createPublicKey(pem);
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'];
    case 'rsa-pss':
      return ['PS256', 'PS384', 'PS512'];
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      return [curve === 'secp384r1' ? 'ES384' : curve === 'secp521r1' ? 'ES512' : 'ES256'];
    }
    case 'ed25519':
      return ['EdDSA'];
    default:
      throw new Error(`unsupported key type ${key.asymmetricKeyType}`);
  }
}

/**
 * A verifier for Bearer tokens with `jose`: HS256/384/512 with a shared secret, RS, PS or ES with a public key
 * (PEM), or any key of a JWKS file; `exp` and `nbf` are always checked, `iss` and `aud` when
 * configured. The key is read once, when the connector starts.
 */
export async function jwtVerifier(config: JwtConfig): Promise<TokenVerifier> {
  // Loaded here, by the first connector that checks tokens, not at every start of `tremolo`
  // (jose costs about 0.1 s of CPU to load).
  const { createLocalJWKSet, jwtVerify } = await import('jose');
  let key: Uint8Array | KeyObject | CryptoKey | JWTVerifyGetKey;
  let algorithms = config.algorithms;
  if (config.secret !== undefined) {
    key = new TextEncoder().encode(config.secret);
    algorithms ??= ['HS256', 'HS384', 'HS512'];
  } else if (config.public_key !== undefined) {
    const pem = await readFile(config.public_key, 'utf8').catch((err: Error) => {
      throw new Error(`cannot read jwt.public_key ${JSON.stringify(config.public_key)}: ${err.message}`);
    });
    try {
      algorithms ??= pemAlgorithms(pem);
      // A KeyObject, not a key imported for one algorithm: each token's own alg (among those allowed) verifies.
      key = createPublicKey(pem);
    } catch (err) {
      throw new Error(`jwt.public_key ${JSON.stringify(config.public_key)} is not a PEM public key: ${(err as Error).message}`);
    }
  } else {
    const text = await readFile(config.jwks_file!, 'utf8').catch((err: Error) => {
      throw new Error(`cannot read jwt.jwks_file ${JSON.stringify(config.jwks_file)}: ${err.message}`);
    });
    key = createLocalJWKSet(JSON.parse(text) as Parameters<typeof createLocalJWKSet>[0]);
  }
  const options = {
    algorithms,
    clockTolerance: config.clock_tolerance_s,
    ...(config.issuer === undefined ? {} : { issuer: config.issuer }),
    ...(config.audience === undefined ? {} : { audience: config.audience }),
  };
  return async (token) => {
    const { payload } = typeof key === 'function' ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options);
    return { user: payload.sub, claims: payload, expires: payload.exp };
  };
}
