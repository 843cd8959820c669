import { randomInt as cryptoRandomInt } from 'node:crypto';
import type { Config } from '../config';
import type { CosKeys } from '../cos/createCosKeys';
import { assertSameUser, checkCosRequest, PolicyError, resolveExpiry, scopeCosKey } from '../policy';
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
 * const input: IssueCosSignatureInput = { principal, request, secret, config, keys, now };
 * ```
 */
export interface IssueCosSignatureInput {
  /** The signed-in caller; keys are confined to its prefix (`config.cos.keyPrefix`). */
  readonly principal: Principal;
  readonly request: CosSignRequest;
  readonly secret: CosSecret;
  readonly config: Pick<Config, 'expiry' | 'cos'>;
  /** The key a v5 signature is made with (a temporary key per user when STS is configured). */
  readonly keys: Pick<CosKeys, 'signingKey'>;
  /** Current Unix time in whole seconds, read once by the caller. */
  readonly now: number;
  /** The v4 `r` nonce source; defaults to `crypto.randomInt(0, 2 ** 31)`. Injected for tests. */
  readonly randomInt?: () => number;
}

/**
 * Response for a v5 (COS XML API) request. Send `Authorization: <authorization>` and every entry of
 * `headers` (the signed `Host` and the other signed headers, and `x-cos-security-token` when a
 * temporary key signed) with `method` to `url`, plus the `query` you asked for. For a COS SDK's
 * `getAuthorization` callback: `{ Authorization: authorization, SecurityToken: securityToken }`.
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
  /** Present when a temporary key signed: send it as `x-cos-security-token` (the SDKs do). */
  readonly securityToken?: string;
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
 * const response: CosSignResponse = await issueCosSignature({ principal, request, secret, config, keys, now });
 * ```
 */
export type CosSignResponse = CosSignV5Response | CosSignV4Response;

/**
 * Signs one COS request for the signed-in user: a v5 `Authorization` (default) or a legacy v4
 * signature. The object key must lie under the caller's prefix; a v5 request must pass
 * `checkCosRequest` (operation, header and parameter allowlists, upload limits).
 *
 * Order: the body's `userId` must match the principal, then lifetime and key policy, then the request
 * policy, and only then the signing key (so that a refused request never costs an STS call). v5 signs
 * the configured `Host` (default `<bucket>.cos.<region>.myqcloud.com`) and a key time that starts one
 * second before `now` (as cos-nodejs-sdk-v5 does, so that a COS clock slightly behind ours still accepts
 * the signature) and ends at `expiresAt`. A v4 one-time signature (valid for delete, update, copy and
 * move in the v4 JSON API, forever) is refused unless `COS_V4_ONCE_ENABLED`.
 *
 * @throws {PolicyError} `USER_MISMATCH`, `INVALID_EXPIRE`, `EXPIRE_TOO_LONG`, `INVALID_KEY`,
 * `KEY_OUTSIDE_PREFIX`, the codes of `checkCosRequest`, `SCOPE_TOO_WIDE` (v4 without a key),
 * `V4_ONCE_DISABLED`.
 * @throws {StsError} `STS_UNAVAILABLE` when a temporary key cannot be had.
 * @throws {TypeError} for a malformed principal, clock or configuration (bugs upstream).
 *
 * @example
 * ```ts
 * const response = await issueCosSignature({
 *   principal: { userId: 'alice' },
 *   request: parseCosSignRequest({ method: 'GET', key: 'users/alice/cat.jpg' }),
 *   secret,
 *   config,
 *   keys,
 *   now: Math.floor(Date.now() / 1000),
 * });
 * ```
 */
export async function issueCosSignature(input: IssueCosSignatureInput): Promise<CosSignResponse> {
  const { request } = input;
  return request.version === 'v4' ? issueV4(input, request) : issueV5(input, request);
}

/**
 * The host a v5 signature covers: the configured one, or the bucket's public COS domain.
 *
 * @example
 * ```ts
 * cosSigningHost(config.cos, secret); // 'uploads-1250000000.cos.ap-guangzhou.myqcloud.com'
 * ```
 */
export function cosSigningHost(cos: Pick<Config['cos'], 'host'>, secret: CosSecret): string {
  return cos.host ?? `${secret.bucket}.cos.${secret.region}.myqcloud.com`;
}

async function issueV5(input: IssueCosSignatureInput, request: CosSignV5Request): Promise<CosSignV5Response> {
  const { principal, secret, config } = input;
  assertSameUser(principal, request.userId);
  const now = requireNow(input.now);
  const expire = resolveExpiry(request.expire, config.expiry.cos);
  const pathname = scopeCosKey({
    userId: principal.userId,
    key: request.key,
    keyPrefix: config.cos.keyPrefix,
  });
  const host = cosSigningHost(config.cos, secret);
  const plan = checkCosRequest({
    method: request.method,
    headers: request.headers,
    query: request.query,
    host,
    rules: config.cos.sign,
  });

  const key = await input.keys.signingKey(secret, principal.userId, expire);
  const times = tokenTimes(now, expire);
  const authorization = cosAuthorization({
    secretId: key.secretId,
    secretKey: key.secretKey,
    method: plan.method,
    pathname,
    headers: plan.headers,
    query: plan.query,
    startTime: Math.max(0, now - 1),
    endTime: times.expiresAt,
  });
  // The token travels unsigned, as the SDKs send it: it is bound to the temporary key anyway.
  const token = key.kind === 'temporary' ? { securityToken: key.securityToken } : undefined;
  return {
    version: 'v5',
    authorization,
    ...token,
    method: plan.method,
    key: request.key,
    url: `https://${host}/${request.key.split('/').map(encodeURIComponent).join('/')}`,
    headers: token ? { ...plan.headers, 'x-cos-security-token': token.securityToken } : plan.headers,
    ...times,
  };
}

function issueV4(input: IssueCosSignatureInput, request: CosSignV4Request): CosSignV4Response {
  const { principal, secret, config } = input;
  assertSameUser(principal, request.userId);
  const now = requireNow(input.now);
  const once = request.type === 'once';
  if (once && !config.cos.v4OnceEnabled) {
    throw new PolicyError(
      'V4_ONCE_DISABLED',
      'v4 one-time signatures never expire and are disabled here; ask for a v5 or a reusable v4 signature',
    );
  }
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
