import {
  createRemoteJWKSet,
  customFetch,
  errors,
  type FetchImplementation,
  type JWSAlgorithm,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import type { SessionConfig } from '../config';
import { isSessionRole } from './isSessionRole';
import { type Principal, TENCENT_USER_ID } from './Principal';
import { SessionError } from './SessionError';
import { selectContextClaims } from './selectContextClaims';

/**
 * Verifies the app's session token and returns the principal it names. Every failure is a
 * {@link SessionError}; nothing else is ever thrown (rejected) by `verify`.
 *
 * @example
 * ```ts
 * const principal = await verifier.verify(event.headers.authorization);
 * ```
 */
export interface SessionVerifier {
  verify(authorizationHeader: string | undefined): Promise<Principal>;
}

/**
 * What tests (and unusual runtimes) may replace. Production passes nothing.
 *
 * @example
 * ```ts
 * createSessionVerifier(config.session, { now: () => Date.parse('2030-01-01T00:00:00Z'), jwksTimeoutMs: 200 });
 * ```
 */
export interface SessionVerifierDeps {
  /** The clock for `exp`/`nbf` checks, in milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
  /** The `fetch` used for the JWKS (jose's `customFetch`). Default: the global `fetch`. */
  readonly fetch?: FetchImplementation;
  /** Abort a JWKS request after this long. Default 2000 ms: an authorizer must answer quickly. */
  readonly jwksTimeoutMs?: number;
  /** After a successful JWKS fetch, an unknown `kid` triggers no refetch for this long. Default 30 s. */
  readonly jwksCooldownMs?: number;
}

/** Longer tokens are refused before any parsing: no identity provider issues them, attackers might. */
const MAX_TOKEN_LENGTH = 8192;
// RFC 6750 `Bearer` (scheme case-insensitive), then a compact JWS: three base64url segments. The
// signature may be empty so that `alg: none` tokens are reported as such, not as malformed.
const BEARER = /^bearer[ \t]+(\S+)$/i;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

const DEFAULT_JWKS_TIMEOUT_MS = 2000;
const DEFAULT_JWKS_COOLDOWN_MS = 30_000;

function bearerToken(header: string | undefined): string {
  const value = header?.trim() ?? '';
  if (value === '') throw new SessionError('TOKEN_MISSING');
  if (value.length > MAX_TOKEN_LENGTH + 64) throw new SessionError('TOKEN_MALFORMED');
  const token = BEARER.exec(value)?.[1];
  if (token === undefined || token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) {
    throw new SessionError('TOKEN_MALFORMED');
  }
  return token;
}

/** Translates whatever `jwtVerify` threw into the closed set of reasons, keeping the cause. */
function toSessionError(error: unknown): SessionError {
  if (error instanceof SessionError) return error;
  const cause = { cause: error };
  if (error instanceof errors.JOSEAlgNotAllowed) return new SessionError('ALGORITHM_NOT_ALLOWED', cause);
  if (error instanceof errors.JWTExpired)
    return new SessionError('TOKEN_EXPIRED', { ...cause, claim: error.claim });
  if (error instanceof errors.JWTClaimValidationFailed) {
    const reason =
      error.claim === 'nbf' && error.reason === 'check_failed' ? 'TOKEN_NOT_YET_VALID' : 'CLAIM_INVALID';
    return new SessionError(reason, { ...cause, claim: error.claim });
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return new SessionError('TOKEN_MALFORMED', cause);
  }
  // Signature mismatch, a kid the issuer does not publish, and anything unforeseen (a key jose refuses
  // to use, e.g. RSA under 2048 bits): fail closed as an invalid token.
  return new SessionError('TOKEN_INVALID', cause);
}

function checkAlgorithms(config: SessionConfig): JWSAlgorithm[] {
  const algorithms = [...config.algorithms];
  const symmetric = algorithms.filter((alg) => /^HS/i.test(alg));
  if (algorithms.length === 0 || algorithms.some((alg) => alg.toLowerCase() === 'none')) {
    throw new TypeError(
      'createSessionVerifier: algorithms must be a non-empty list of JWS algorithms, never none',
    );
  }
  // With a JWKS, an HS* entry would let a token HMAC-signed with the (public) key verify: algorithm
  // confusion. With a shared secret, an asymmetric entry makes no sense. Config checks this too; the
  // verifier does not rely on it.
  if (config.jwksUrl !== undefined && symmetric.length > 0) {
    throw new TypeError('createSessionVerifier: a JWKS verifier must not allow HS* algorithms');
  }
  if (config.hs256Secret !== undefined && symmetric.length !== algorithms.length) {
    throw new TypeError('createSessionVerifier: a shared-secret verifier allows HS* algorithms only');
  }
  return algorithms as JWSAlgorithm[];
}

function keySource(config: SessionConfig, deps: SessionVerifierDeps): Uint8Array | JWTVerifyGetKey {
  if ((config.jwksUrl === undefined) === (config.hs256Secret === undefined)) {
    throw new TypeError('createSessionVerifier: set exactly one of jwksUrl and hs256Secret');
  }
  if (config.hs256Secret !== undefined) return new TextEncoder().encode(config.hs256Secret);
  // Created once per verifier (so once per container): the key set is cached across requests for
  // jwksCacheSeconds, concurrent misses share one fetch, and failed fetches are not cached.
  const jwks = createRemoteJWKSet(new URL(config.jwksUrl as string), {
    cacheMaxAge: config.jwksCacheSeconds * 1000,
    timeoutDuration: deps.jwksTimeoutMs ?? DEFAULT_JWKS_TIMEOUT_MS,
    cooldownDuration: deps.jwksCooldownMs ?? DEFAULT_JWKS_COOLDOWN_MS,
    ...(deps.fetch ? { [customFetch]: deps.fetch } : {}),
  });
  return async (header, token) => {
    try {
      return await jwks(header, token);
    } catch (error) {
      // A key id the issuer does not publish is the token's fault (401). Everything else here (network
      // error, timeout, non-200, a malformed key set) is the key source's fault: 503, retry later.
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
        throw error;
      }
      throw new SessionError('KEYS_UNAVAILABLE', { cause: error });
    }
  };
}

function principalOfClaims(payload: JWTPayload, config: SessionConfig): Principal {
  const userId = payload[config.userClaim];
  // Refused, never trimmed, lower-cased or mapped: a different string would be a different Tencent user.
  if (typeof userId !== 'string' || !TENCENT_USER_ID.test(userId)) {
    throw new SessionError('USER_ID_INVALID', { claim: config.userClaim });
  }
  const claims = selectContextClaims(payload, config.contextClaims);
  if (!Object.hasOwn(payload, config.roleClaim)) return { userId, ...claims };
  const role = payload[config.roleClaim];
  if (!isSessionRole(role)) {
    throw new SessionError('CLAIM_INVALID', { claim: config.roleClaim });
  }
  return { userId, role, ...claims };
}

/**
 * Creates the session token verifier shared by the gateway authorizer and the in-process middleware.
 * Checks the signature (JWKS or HS256 secret), the algorithm allowlist, `iss`, `aud`, `exp` (required),
 * `nbf`, with `clockToleranceSeconds`; then maps the user claim to a Tencent user id and reads the
 * optional role claim. Throws `TypeError` at creation for an unusable configuration.
 *
 * @example
 * ```ts
 * const verifier = createSessionVerifier(loadConfig(process.env).session); // once, at cold start
 * const { userId, role } = await verifier.verify('Bearer eyJhbGciOi...');
 * ```
 */
export function createSessionVerifier(
  config: SessionConfig,
  deps: SessionVerifierDeps = {},
): SessionVerifier {
  const algorithms = checkAlgorithms(config);
  const key = keySource(config, deps);
  const now = deps.now ?? Date.now;
  const options = {
    issuer: config.issuer,
    audience: config.audience,
    algorithms,
    clockTolerance: config.clockToleranceSeconds,
    requiredClaims: ['exp', config.userClaim],
  };

  return {
    async verify(authorizationHeader) {
      try {
        const token = bearerToken(authorizationHeader);
        const currentDate = new Date(now());
        // Two calls rather than a union so each matches one of jwtVerify's overloads.
        const { payload } =
          typeof key === 'function'
            ? await jwtVerify(token, key, { ...options, currentDate })
            : await jwtVerify(token, key, { ...options, currentDate });
        return principalOfClaims(payload, config);
      } catch (error) {
        throw toSessionError(error);
      }
    },
  };
}
