import type { Config } from '../config';
import { assertSameUser, resolveExpiry } from '../policy';
import type { TrtcSecret } from '../secrets/secretSchemas';
import type { Principal } from '../session/Principal';
import { genUserSig, genUserSigV1 } from '../sign';
import { requireNow, type TokenTimes, tokenTimes } from './tokenTimes';
import type { UserSigRequest } from './userSigRequest';

/**
 * Inputs of {@link issueUserSig}.
 *
 * @example
 * ```ts
 * const input: IssueUserSigInput = { principal, request, secret, config, now: Math.floor(Date.now() / 1000) };
 * ```
 */
export interface IssueUserSigInput {
  /** The signed-in caller; the token is issued for `principal.userId` and nobody else. */
  readonly principal: Principal;
  readonly request: UserSigRequest;
  readonly secret: TrtcSecret;
  readonly config: Pick<Config, 'expiry' | 'ticketVersion'>;
  /** Current Unix time in whole seconds, read once by the caller. */
  readonly now: number;
}

/**
 * Response of `POST /v1/usersig` (JSON-ready).
 *
 * @example
 * ```ts
 * const response: UserSigResponse = {
 *   version: 2, sdkAppId: 1400000000, userId: 'alice', userSig: 'eJw...',
 *   expiresAt: 1700007200, serverTime: 1700000000, refreshAfter: 1700005760,
 * };
 * ```
 */
export interface UserSigResponse extends TokenTimes {
  /** The TLS sig version: 1 (ECDSA, legacy apps) or 2 (HMAC-SHA256). */
  readonly version: 1 | 2;
  readonly sdkAppId: number;
  readonly userId: string;
  readonly userSig: string;
}

/**
 * Issues a TRTC/IM userSig for the signed-in user: TLS sig v2 (HMAC-SHA256 with `secretKey`), or v1
 * (ECDSA with `privateKeyPem`) when the configuration selects v1 tickets.
 *
 * Order: the body's `userId` must match the principal (403), then the lifetime policy (default, cap),
 * then signing. `SignError`s are not expected for validated input and propagate.
 *
 * @throws {PolicyError} `USER_MISMATCH`, `INVALID_EXPIRE`, `EXPIRE_TOO_LONG`.
 * @throws {TypeError} for a malformed principal or clock, or a v1 configuration without a key (bugs upstream).
 *
 * @example
 * ```ts
 * const response = issueUserSig({
 *   principal: { userId: 'alice' },
 *   request: parseUserSigRequest(body),
 *   secret: { sdkAppId: 1400000000, secretKey },
 *   config,
 *   now: Math.floor(Date.now() / 1000),
 * });
 * ```
 */
export function issueUserSig(input: IssueUserSigInput): UserSigResponse {
  const { principal, request, secret, config } = input;
  assertSameUser(principal, request.userId);
  const now = requireNow(input.now);
  const expire = resolveExpiry(request.expire, config.expiry.userSig);
  const base = { sdkAppId: secret.sdkAppId, userId: principal.userId, expire, now };
  const version = config.ticketVersion;
  let userSig: string;
  if (version === 1) {
    // The secret schema of a v1 configuration requires the key; its absence here is a wiring bug.
    if (secret.privateKeyPem === undefined)
      throw new TypeError('a v1 configuration needs secret.privateKeyPem');
    userSig = genUserSigV1({ ...base, privateKeyPem: secret.privateKeyPem });
  } else {
    userSig = genUserSig({ ...base, secretKey: secret.secretKey });
  }
  return {
    version,
    sdkAppId: secret.sdkAppId,
    userId: principal.userId,
    userSig,
    ...tokenTimes(now, expire),
  };
}
