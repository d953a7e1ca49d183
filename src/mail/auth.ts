import { createHash, createPublicKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import { jwtVerify, errors as joseErrors } from 'jose';
import { ConfigError } from '../core/errors.js';
import type { Secret } from '../core/secret.js';
import { AuthError } from './errors.js';

/** Checks the connector's `Authorization: Bearer <AuthToken>`; resolves, or rejects with AuthError. */
export interface TokenCheck {
  verify(authorization: string | undefined): Promise<void>;
}

const HMAC_ALGS = ['HS256', 'HS384', 'HS512'];
const PUBLIC_KEY_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export function bearerToken(authorization: string | undefined): string {
  if (!authorization) throw new AuthError('no Authorization header: send the connector\'s AuthToken as "Authorization: Bearer <token>"');
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
  if (!m) throw new AuthError('the Authorization header is not "Bearer <token>"');
  return m[1]!;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** A fixed token: compared as SHA-256 digests in constant time, so neither content nor length leaks through timing. */
export function staticTokenCheck(secret: Secret): TokenCheck {
  if (secret.isEmpty) throw new ConfigError('auth_mode = static needs auth_secret (the connector\'s AuthToken)');
  const expected = digest(secret.reveal());
  return {
    async verify(authorization) {
      const token = bearerToken(authorization);
      if (!timingSafeEqual(digest(token), expected)) throw new AuthError('the bearer token is not the configured one');
    },
  };
}

export interface JwtCheckOptions {
  /** HMAC key (HS*), or … */
  secret?: Secret;
  /** … a PEM public key or certificate (RS/PS/ES/EdDSA). */
  publicKeyPem?: string;
  audience?: string;
  issuer?: string;
  requireExpiry: boolean;
  clockToleranceSeconds: number;
}

/** A JWT: signature, then exp/nbf (with tolerance), audience and issuer when configured. */
export function jwtCheck(o: JwtCheckOptions): TokenCheck {
  let key: KeyObject | Uint8Array;
  let algorithms: string[];
  if (o.publicKeyPem) {
    try {
      key = createPublicKey(o.publicKeyPem);
    } catch (err) {
      throw new ConfigError('jwt_public_key_file does not hold a PEM public key or certificate', { cause: err });
    }
    algorithms = PUBLIC_KEY_ALGS;
  } else if (o.secret && !o.secret.isEmpty) {
    key = new TextEncoder().encode(o.secret.reveal());
    algorithms = HMAC_ALGS;
  } else {
    throw new ConfigError('auth_mode = jwt needs jwt_public_key_file or auth_secret (the HMAC key)');
  }
  return {
    async verify(authorization) {
      const token = bearerToken(authorization);
      try {
        await jwtVerify(token, key, {
          algorithms,
          audience: o.audience,
          issuer: o.issuer,
          clockTolerance: o.clockToleranceSeconds,
          requiredClaims: o.requireExpiry ? ['exp'] : [],
        });
      } catch (err) {
        throw new AuthError(jwtReason(err), { cause: err });
      }
    },
  };
}

/** A reason an admin can act on, without echoing the token. */
function jwtReason(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'the JWT has expired: issue the connector a new AuthToken';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `the JWT claim "${err.claim}" is ${err.reason === 'missing' ? 'missing' : 'not accepted'} (${err.message})`;
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'the JWT signature does not verify with the configured key';
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'the JWT is signed with an algorithm the configured key does not allow';
  if (err instanceof joseErrors.JOSEError) return `the bearer token is not a valid JWT (${err.code})`;
  return 'the bearer token could not be checked';
}
