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
import { mapUserId } from './mapUserId';
import type { Principal } from './Principal';
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
  /**
   * Loads the verification keys ahead of the first request (the JWKS, or the HS256 secret from Secrets
   * Manager), for a function's INIT phase. Never rejects: a failure is left to the first request.
   */
  warm(): Promise<void>;
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
  /**
   * Reads the HS256 secret when the configuration names one in Secrets Manager (`hs256SecretId`): the
   * container's secret cache. A rejection makes the request a 503 (`KEYS_UNAVAILABLE`).
   */
  readonly hs256Secret?: () => Promise<string>;
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

/** Signature lengths in bytes per algorithm family, so that priming reaches the signature check. */
function primingToken(alg: string, kid: string | undefined): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const bytes = alg.startsWith('ES')
    ? ({ ES256: 64, ES384: 96, ES512: 132 }[alg] ?? 64)
    : alg.startsWith('HS')
      ? 32
      : 256;
  return `${encode({ alg, typ: 'JWT', ...(kid === undefined ? {} : { kid }) })}.${encode({})}.${Buffer.alloc(bytes).toString('base64url')}`;
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
  if (config.jwksUrl === undefined && symmetric.length !== algorithms.length) {
    throw new TypeError('createSessionVerifier: a shared-secret verifier allows HS* algorithms only');
  }
  return algorithms as JWSAlgorithm[];
}

interface KeySource {
  readonly key: Uint8Array | JWTVerifyGetKey;
  /** Loads the keys; returns the key ids a JWKS publishes (to prime their first use). */
  readonly warm: () => Promise<readonly (string | undefined)[]>;
}

function keySource(config: SessionConfig, deps: SessionVerifierDeps): KeySource {
  const sources = [config.jwksUrl, config.hs256Secret, config.hs256SecretId].filter((s) => s !== undefined);
  if (sources.length !== 1) {
    throw new TypeError('createSessionVerifier: set exactly one of jwksUrl, hs256Secret and hs256SecretId');
  }
  if (config.hs256Secret !== undefined) {
    return { key: new TextEncoder().encode(config.hs256Secret), warm: async () => [undefined] };
  }
  if (config.hs256SecretId !== undefined) {
    const read = deps.hs256Secret;
    if (read === undefined) {
      throw new TypeError('createSessionVerifier: hs256SecretId needs deps.hs256Secret (the secret reader)');
    }
    const key = async () => {
      try {
        return new TextEncoder().encode(await read());
      } catch (error) {
        throw new SessionError('KEYS_UNAVAILABLE', { cause: error });
      }
    };
    return {
      key,
      warm: async () => {
        await read();
        return [undefined];
      },
    };
  }
  // Created once per verifier (so once per container): the key set is cached across requests for
  // jwksCacheSeconds, concurrent misses share one fetch, and failed fetches are not cached.
  const jwks = createRemoteJWKSet(new URL(config.jwksUrl as string), {
    cacheMaxAge: config.jwksCacheSeconds * 1000,
    timeoutDuration: deps.jwksTimeoutMs ?? DEFAULT_JWKS_TIMEOUT_MS,
    cooldownDuration: deps.jwksCooldownMs ?? DEFAULT_JWKS_COOLDOWN_MS,
    ...(deps.fetch ? { [customFetch]: deps.fetch } : {}),
  });
  const key: JWTVerifyGetKey = async (header, token) => {
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
  return {
    key,
    warm: async () => {
      await jwks.reload();
      return (jwks.jwks()?.keys ?? []).map((jwk) => jwk.kid);
    },
  };
}

function principalOfClaims(payload: JWTPayload, config: SessionConfig): Principal {
  // Cognito access tokens name their app client in `client_id` and carry no `aud`.
  if (config.audienceClaim === 'client_id' && payload.client_id !== config.audience) {
    throw new SessionError('CLAIM_INVALID', { claim: 'client_id' });
  }
  // Never trimmed or lower-cased: the mapping is deterministic, and a subject it cannot map is refused.
  const userId = mapUserId(config.userIdMapping, payload[config.userClaim]);
  if (userId === undefined) throw new SessionError('USER_ID_UNMAPPABLE', { claim: config.userClaim });
  // `exp` is required (jwtVerify checked it): a principal never outlives its session, also when the
  // gateway serves it from its authorizer cache.
  const sessionExpiresAt = (payload.exp as number) + config.clockToleranceSeconds;
  const claims = selectContextClaims(payload, config.contextClaims);
  if (!Object.hasOwn(payload, config.roleClaim)) return { userId, sessionExpiresAt, ...claims };
  const role = payload[config.roleClaim];
  if (!isSessionRole(role)) {
    throw new SessionError('CLAIM_INVALID', { claim: config.roleClaim });
  }
  return { userId, role, sessionExpiresAt, ...claims };
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
  const { key, warm } = keySource(config, deps);
  const now = deps.now ?? Date.now;
  const options = {
    issuer: config.issuer,
    ...(config.audienceClaim === 'client_id' ? {} : { audience: config.audience }),
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
    async warm() {
      let kids: readonly (string | undefined)[];
      try {
        kids = await warm();
      } catch {
        // The first request fetches again and reports the failure (503).
        return;
      }
      // Prime the first real verification off the request path: a token per published key and allowed
      // algorithm, whose signature cannot match, runs header parsing, key import and the signature
      // check once. Nothing is accepted: every one of them fails.
      for (const alg of algorithms) {
        for (const kid of kids) {
          const token = primingToken(alg, kid);
          const attempt =
            typeof key === 'function' ? jwtVerify(token, key, options) : jwtVerify(token, key, options);
          await attempt.catch(() => undefined);
        }
      }
    },
  };
}
