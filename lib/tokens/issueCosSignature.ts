import { randomInt as cryptoRandomInt } from 'node:crypto';
import type { Config } from '../config';
import { assertCosMethod, assertSameUser, PolicyError, resolveExpiry, scopeCosKey } from '../policy';
import type { CosSecret } from '../secrets/secretSchemas';
import type { Principal } from '../session/Principal';
import { cosAuthorization, cosV4Signature } from '../sign';
import type { CosSignRequest, CosSignV4Request, CosSignV5Request } from './cosSignRequest';
import { requireNow, type TokenTimes, tokenTimes } from './tokenTimes';

/**
 * Inputs of {@link issueCosSignature}.
 *
 * @example
 * ```ts
 * const input: IssueCosSignatureInput = { principal, request, secret, config, now };
 * ```
 */
export interface IssueCosSignatureInput {
  /** The signed-in caller; keys are confined to its prefix (`config.cos.keyPrefix`). */
  readonly principal: Principal;
  readonly request: CosSignRequest;
  readonly secret: CosSecret;
  readonly config: Pick<Config, 'expiry' | 'cos'>;
  /** Current Unix time in whole seconds, read once by the caller. */
  readonly now: number;
  /** The v4 `r` nonce source; defaults to `crypto.randomInt(0, 2 ** 31)`. Injected for tests. */
  readonly randomInt?: () => number;
}

/**
 * Response for a v5 (COS XML API) request. Send `Authorization: <authorization>` and every entry of
 * `headers` (which includes the signed `Host`) with `method` to `url`, plus the `query` you asked for.
 *
 * @example
 * ```ts
 * const response: CosSignV5Response = {
 *   version: 'v5', authorization: 'q-sign-algorithm=sha1&...', method: 'PUT', key: 'users/alice/a b.jpg',
 *   url: 'https://uploads-1250000000.cos.ap-guangzhou.myqcloud.com/users/alice/a%20b.jpg',
 *   headers: { Host: 'uploads-1250000000.cos.ap-guangzhou.myqcloud.com', 'Content-Type': 'image/jpeg' },
 *   expiresAt: 1700000600, serverTime: 1700000000, refreshAfter: 1700000480,
 * };
 * ```
 */
export interface CosSignV5Response extends TokenTimes {
  readonly version: 'v5';
  readonly authorization: string;
  readonly method: string;
  readonly key: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Response for a legacy v4 (COS JSON API) signature. `expiresAt` is `null` for a one-time signature,
 * which has no expiry but is valid for a single request on `key`.
 *
 * @example
 * ```ts
 * const response: CosSignV4Response = {
 *   version: 'v4', type: 'reusable', signature: 'base64...', key: 'users/alice/a.jpg',
 *   expiresAt: 1700000600, serverTime: 1700000000,
 * };
 * ```
 */
export interface CosSignV4Response {
  readonly version: 'v4';
  readonly type: 'once' | 'reusable';
  readonly signature: string;
  readonly key: string;
  readonly expiresAt: number | null;
  readonly serverTime: number;
}

/**
 * Response of `POST /v1/cos/sign` (JSON-ready).
 *
 * @example
 * ```ts
 * const response: CosSignResponse = issueCosSignature({ principal, request, secret, config, now });
 * ```
 */
export type CosSignResponse = CosSignV5Response | CosSignV4Response;

/**
 * Signs one COS request for the signed-in user: a v5 `Authorization` (default) or a legacy v4
 * signature. The object key must lie under the caller's prefix and, for v5, the method must be
 * allowed.
 *
 * Order: the body's `userId` must match the principal, then lifetime, method and key policy, then
 * signing. v5 signs the server's own `Host: <bucket>.cos.<region>.myqcloud.com`, and a key time that
 * starts one second before `now` (as cos-nodejs-sdk-v5 does, so that a COS clock slightly behind ours
 * still accepts the signature) and ends at `expiresAt`.
 *
 * @throws {PolicyError} `USER_MISMATCH`, `INVALID_EXPIRE`, `EXPIRE_TOO_LONG`, `METHOD_NOT_ALLOWED`,
 * `INVALID_KEY`, `KEY_OUTSIDE_PREFIX`, `SCOPE_TOO_WIDE` (v4 without a key).
 * @throws {TypeError} for a malformed principal, clock or configuration (bugs upstream).
 *
 * @example
 * ```ts
 * const response = issueCosSignature({
 *   principal: { userId: 'alice' },
 *   request: parseCosSignRequest({ method: 'PUT', key: 'users/alice/cat.jpg' }),
 *   secret,
 *   config,
 *   now: Math.floor(Date.now() / 1000),
 * });
 * ```
 */
export function issueCosSignature(input: IssueCosSignatureInput): CosSignResponse {
  const { request } = input;
  return request.version === 'v4' ? issueV4(input, request) : issueV5(input, request);
}

function issueV5(input: IssueCosSignatureInput, request: CosSignV5Request): CosSignV5Response {
  const { principal, secret, config } = input;
  assertSameUser(principal, request.userId);
  const now = requireNow(input.now);
  const expire = resolveExpiry(request.expire, config.expiry.cos);
  const method = assertCosMethod(request.method, config.cos.allowedMethods);
  const pathname = scopeCosKey({
    userId: principal.userId,
    key: request.key,
    keyPrefix: config.cos.keyPrefix,
  });

  const host = `${secret.bucket}.cos.${secret.region}.myqcloud.com`;
  // Host first for readability; the client's headers cannot contain Host (the schema refuses it).
  const headers: Record<string, string> = { Host: host, ...request.headers };
  const times = tokenTimes(now, expire);
  const authorization = cosAuthorization({
    secretId: secret.secretId,
    secretKey: secret.secretKey,
    method,
    pathname,
    headers,
    ...(request.query === undefined ? {} : { query: request.query }),
    startTime: Math.max(0, now - 1),
    endTime: times.expiresAt,
  });
  return {
    version: 'v5',
    authorization,
    method,
    key: request.key,
    url: `https://${host}/${request.key.split('/').map(encodeURIComponent).join('/')}`,
    headers,
    ...times,
  };
}

function issueV4(input: IssueCosSignatureInput, request: CosSignV4Request): CosSignV4Response {
  const { principal, secret, config } = input;
  assertSameUser(principal, request.userId);
  const now = requireNow(input.now);
  const once = request.type === 'once';
  const expire = once ? undefined : resolveExpiry(request.expire, config.expiry.cos);
  if (request.key === undefined) {
    throw new PolicyError(
      'SCOPE_TOO_WIDE',
      'key is required: a v4 signature without one covers the whole bucket',
    );
  }
  scopeCosKey({ userId: principal.userId, key: request.key, keyPrefix: config.cos.keyPrefix });

  const suffix = `-${secret.appId}`;
  if (!secret.bucket.endsWith(suffix)) throw new TypeError('secret.bucket must end with -<appId>');
  const random = (input.randomInt ?? defaultRandomInt)();
  const expiresAt = expire === undefined ? null : now + expire;
  const signature = cosV4Signature({
    appId: secret.appId,
    secretId: secret.secretId,
    secretKey: secret.secretKey,
    bucket: secret.bucket.slice(0, -suffix.length),
    // 0 is how the v4 format spells "one-time".
    expiration: expiresAt ?? 0,
    now,
    random,
    filepath: request.key,
  });
  return { version: 'v4', type: request.type, signature, key: request.key, expiresAt, serverTime: now };
}

function defaultRandomInt(): number {
  return cryptoRandomInt(0, 2 ** 31);
}
