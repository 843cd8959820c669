/**
 * Why a request has no principal. A closed set, stable across releases: the gateway authorizer passes
 * it to the function as `authFailure`, logs carry it, and tests assert it.
 *
 * - `TOKEN_MISSING`: no Authorization header (or an empty one).
 * - `TOKEN_MALFORMED`: not `Bearer <compact JWS>`, over 8 KB, or a header or payload that is not JSON.
 * - `TOKEN_INVALID`: bad signature, or signed by a key the issuer does not publish.
 * - `ALGORITHM_NOT_ALLOWED`: `alg` outside the configured allowlist (`none` is never in it).
 * - `TOKEN_EXPIRED`, `TOKEN_NOT_YET_VALID`: `exp` / `nbf` outside the clock tolerance.
 * - `CLAIM_INVALID`: wrong `iss` or `aud`, missing `exp` or user claim, a bad role claim.
 * - `USER_ID_INVALID`: the authorizer context holds a user id that is not a Tencent user id (a bug or a
 *   forged context: refused).
 * - `USER_ID_UNMAPPABLE`: the session is valid, but its subject cannot be mapped to a Tencent user id with
 *   the configured mapping. A 403, not a 401: signing in again would give the same subject, so a 401 would
 *   send clients into a re-login loop.
 * - `KEYS_UNAVAILABLE`: the identity provider's JWKS could not be fetched: not the caller's fault.
 * - `NO_AUTHORIZER_CONTEXT`: the function received no authorizer result and cannot verify by itself.
 *
 * @example
 * ```ts
 * const reason: SessionErrorReason = 'TOKEN_EXPIRED';
 * ```
 */
export type SessionErrorReason =
  | 'TOKEN_MISSING'
  | 'TOKEN_MALFORMED'
  | 'TOKEN_INVALID'
  | 'ALGORITHM_NOT_ALLOWED'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_NOT_YET_VALID'
  | 'CLAIM_INVALID'
  | 'USER_ID_INVALID'
  | 'USER_ID_UNMAPPABLE'
  | 'KEYS_UNAVAILABLE'
  | 'NO_AUTHORIZER_CONTEXT';

/**
 * The client-facing class of a {@link SessionError}: `UNAUTHENTICATED` (HTTP 401),
 * `USER_ID_UNMAPPABLE` (HTTP 403: a valid session whose subject is no Tencent user id) or
 * `SESSION_KEYS_UNAVAILABLE` (HTTP 503 with `Retry-After`; the caller's token may well be fine).
 *
 * @example
 * ```ts
 * const status = (code: SessionErrorCode) => (code === 'SESSION_KEYS_UNAVAILABLE' ? 503 : 401);
 * ```
 */
export type SessionErrorCode = 'UNAUTHENTICATED' | 'USER_ID_UNMAPPABLE' | 'SESSION_KEYS_UNAVAILABLE';

// Messages reach clients (through the HTTP layer) and logs: fixed texts per reason, so they can never
// quote a token or a claim value, and the gateway path and the in-process path answer identically.
const MESSAGES: Readonly<Record<SessionErrorReason, string>> = {
  TOKEN_MISSING: 'a session token is required (Authorization: Bearer <token>)',
  TOKEN_MALFORMED: 'the Authorization header must be "Bearer <JWT>"',
  TOKEN_INVALID: 'session token signature is not valid',
  ALGORITHM_NOT_ALLOWED: 'session token algorithm is not allowed',
  TOKEN_EXPIRED: 'session token expired',
  TOKEN_NOT_YET_VALID: 'session token is not valid yet',
  CLAIM_INVALID: 'session token claims are not accepted',
  USER_ID_INVALID: 'session user id is not a valid Tencent user id (1-32 characters of A-Z a-z 0-9 _ -)',
  USER_ID_UNMAPPABLE:
    'the signed-in user has no Tencent user id: the session subject cannot be mapped (see SESSION_USER_ID_MAPPING)',
  KEYS_UNAVAILABLE: 'session keys are temporarily unavailable, retry later',
  NO_AUTHORIZER_CONTEXT: 'request is not authenticated',
};

const CODES: Partial<Record<SessionErrorReason, SessionErrorCode>> = {
  KEYS_UNAVAILABLE: 'SESSION_KEYS_UNAVAILABLE',
  USER_ID_UNMAPPABLE: 'USER_ID_UNMAPPABLE',
};

/**
 * Every {@link SessionErrorReason}, for validating a reason that crossed a process boundary.
 *
 * @example
 * ```ts
 * SESSION_ERROR_REASONS.includes('TOKEN_EXPIRED'); // true
 * ```
 */
export const SESSION_ERROR_REASONS = Object.freeze(Object.keys(MESSAGES) as SessionErrorReason[]);

/**
 * Narrows an untrusted value (for example an authorizer context field) to a {@link SessionErrorReason}.
 *
 * @example
 * ```ts
 * if (isSessionErrorReason(context.authFailure)) throw new SessionError(context.authFailure);
 * ```
 */
export function isSessionErrorReason(value: unknown): value is SessionErrorReason {
  return typeof value === 'string' && Object.hasOwn(MESSAGES, value);
}

/**
 * The one error family of `lib/session`: the request has no valid principal. The message depends on
 * the reason only and is safe to show to clients; it never contains the token or a claim value.
 * `claim` names the claim that failed (for logs), `cause` keeps the underlying `jose` or network error.
 *
 * @example
 * ```ts
 * throw new SessionError('TOKEN_EXPIRED');
 * // error.code === 'UNAUTHENTICATED', error.message === 'session token expired'
 * ```
 */
export class SessionError extends Error {
  override readonly name = 'SessionError';
  readonly code: SessionErrorCode;
  readonly reason: SessionErrorReason;
  /** The claim that failed validation (`iss`, `aud`, `exp`, the user or role claim), when known. */
  // `declare`: no class field, so the property is absent (not `undefined`) when there is no claim.
  declare readonly claim?: string;

  constructor(reason: SessionErrorReason, options?: { cause?: unknown; claim?: string }) {
    super(MESSAGES[reason], options?.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
    this.code = CODES[reason] ?? 'UNAUTHENTICATED';
    if (options?.claim !== undefined) this.claim = options.claim;
  }
}
