import type { Config } from '../config';
import { assertSameUser, resolveExpiry } from '../policy';
import type { TrtcSecret } from '../secrets/secretSchemas';
import type { Principal } from '../session/Principal';
import { genUserSig } from '../sign';
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
  readonly config: Pick<Config, 'expiry'>;
  /** Current Unix time in whole seconds, read once by the caller. */
  readonly now: number;
}

/**
 * Response of `POST /v1/usersig` (JSON-ready).
 *
 * @example
 * ```ts
 * const response: UserSigResponse = {
 *   sdkAppId: 1400000000, userId: 'alice', userSig: 'eJw...',
 *   expiresAt: 1700007200, serverTime: 1700000000, refreshAfter: 1700005760,
 * };
 * ```
 */
export interface UserSigResponse extends TokenTimes {
  readonly sdkAppId: number;
  readonly userId: string;
  readonly userSig: string;
}

/**
 * Issues a TRTC/IM userSig (TLS sig v2) for the signed-in user.
 *
 * Order: the body's `userId` must match the principal (403), then the lifetime policy (default, cap),
 * then signing. `SignError`s are not expected for validated input and propagate.
 *
 * @throws {PolicyError} `USER_MISMATCH`, `INVALID_EXPIRE`, `EXPIRE_TOO_LONG`.
 * @throws {TypeError} for a malformed principal or clock (bugs upstream).
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
  const userSig = genUserSig({
    sdkAppId: secret.sdkAppId,
    secretKey: secret.secretKey,
    userId: principal.userId,
    expire,
    now,
  });
  return { sdkAppId: secret.sdkAppId, userId: principal.userId, userSig, ...tokenTimes(now, expire) };
}
