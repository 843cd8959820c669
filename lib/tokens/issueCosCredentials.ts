import type { Config } from '../config';
import type { CosKeys } from '../cos/createCosKeys';
import { StsError } from '../cos/StsError';
import { assertSameUser, resolveExpiry, userKeyPrefix } from '../policy';
import type { CosSecret } from '../secrets/secretSchemas';
import type { Principal } from '../session/Principal';
import type { CosCredentialsRequest } from './cosCredentialsRequest';
import { requireNow, type TokenTimes, tokenTimes } from './tokenTimes';

/**
 * Inputs of {@link issueCosCredentials}.
 *
 * @example
 * ```ts
 * const input: IssueCosCredentialsInput = { principal, request, secret, config, keys, now };
 * ```
 */
export interface IssueCosCredentialsInput {
  /** The signed-in caller; the credentials reach only its prefix (`config.cos.keyPrefix`). */
  readonly principal: Principal;
  readonly request: CosCredentialsRequest;
  readonly secret: CosSecret;
  readonly config: Pick<Config, 'cos'>;
  readonly keys: Pick<CosKeys, 'credentials'>;
  /** Current Unix time in whole seconds, read once by the caller. */
  readonly now: number;
}

/**
 * Response of `POST /v1/cos/credentials`. The first five fields are exactly what the `getAuthorization`
 * callbacks of cos-js-sdk-v5 and cos-nodejs-sdk-v5 take (times as 10-digit Unix seconds, `StartTime`
 * on STS's clock), so a client may pass the body as it is.
 *
 * @example
 * ```ts
 * const response: CosCredentialsResponse = {
 *   TmpSecretId: 'AKID...', TmpSecretKey: '...', SecurityToken: '...', StartTime: 1700000000, ExpiredTime: 1700001800,
 *   bucket: 'uploads-1250000000', region: 'ap-guangzhou', prefix: 'users/alice/',
 *   expiresAt: 1700001800, serverTime: 1700000000, refreshAfter: 1700001440,
 * };
 * ```
 */
export interface CosCredentialsResponse extends TokenTimes {
  readonly TmpSecretId: string;
  readonly TmpSecretKey: string;
  readonly SecurityToken: string;
  readonly StartTime: number;
  readonly ExpiredTime: number;
  readonly bucket: string;
  readonly region: string;
  /** The only keys these credentials reach: those that start with it. */
  readonly prefix: string;
}

/**
 * Issues temporary COS credentials for the signed-in user from Tencent STS: the configured actions
 * (default: object reads, uploads, multipart uploads), only on `<bucket>/<caller's prefix>*`, for the
 * requested lifetime (default and cap from `COS_CREDENTIALS_*_EXPIRE`). Never cached.
 *
 * `expiresAt` is the earlier of STS's `ExpiredTime` and `serverTime + lifetime`, so that a client never
 * counts on more than both clocks allow.
 *
 * @throws {PolicyError} `USER_MISMATCH`, `INVALID_EXPIRE`, `EXPIRE_TOO_LONG`.
 * @throws {StsError} `STS_NOT_CONFIGURED` (the local stage), `STS_UNAVAILABLE`.
 *
 * @example
 * ```ts
 * const response = await issueCosCredentials({ principal, request: parseCosCredentialsRequest({}), secret, config, keys, now });
 * ```
 */
export async function issueCosCredentials(input: IssueCosCredentialsInput): Promise<CosCredentialsResponse> {
  const { principal, request, secret, config } = input;
  assertSameUser(principal, request.userId);
  const now = requireNow(input.now);
  const expire = resolveExpiry(request.expire, config.cos.credentialsExpiry);
  const prefix = userKeyPrefix(config.cos.keyPrefix, principal.userId);

  const key = await input.keys.credentials(secret, principal.userId, expire);
  const lifetime = Math.min(key.expiredTime, now + expire) - now;
  if (lifetime < 1) throw new StsError('STS_UNAVAILABLE', 'STS issued credentials that have already expired');
  return {
    TmpSecretId: key.tmpSecretId,
    TmpSecretKey: key.tmpSecretKey,
    SecurityToken: key.securityToken,
    StartTime: key.startTime,
    ExpiredTime: key.expiredTime,
    bucket: secret.bucket,
    region: secret.region,
    prefix,
    ...tokenTimes(now, lifetime),
  };
}
