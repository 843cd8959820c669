// The fixed inputs of the end-to-end stack: fake secrets (never real keys; distinctive so that a leak into
// the logs is easy to find) and the service settings the tests rely on. Shared by the global setup (which
// seeds the fake Secrets Manager and configures serverless-offline) and the tests (which verify tokens).

/** The serverless stage the suite runs (`--stage e2e`): a deployed-stage configuration, no dev defaults. */
export const E2E_STAGE = 'e2e';

/** Secret ids in the fake Secrets Manager, passed as `TRTC_SECRET_ID` / `COS_SECRET_ID`. */
export const TRTC_SECRET_ID = 'e2e/trtc';
export const COS_SECRET_ID = 'e2e/cos';
/** The HS256 session secret, read by the authorizer alone (`SESSION_SECRET_ID`), as on a deployed stage. */
export const SESSION_SECRET_ID = 'e2e/session';

/**
 * The TRTC/IM signing secret seeded into the fake Secrets Manager (fake values).
 *
 * @example
 * ```ts
 * verifyUserSig({ ...E2E_TRTC_SECRET, userId: 'alice', userSig, now });
 * ```
 */
export const E2E_TRTC_SECRET = Object.freeze({
  sdkAppId: 1_400_054_321,
  secretKey: 'e2e-FAKE-trtc-key-5f0c2a9e7b1d4c3a8e6f0b2d4a6c8e0f',
});

/**
 * The COS signing secret seeded into the fake Secrets Manager (fake values).
 *
 * @example
 * ```ts
 * COS.getAuthorization({ SecretId: E2E_COS_SECRET.secretId, SecretKey: E2E_COS_SECRET.secretKey, ... });
 * ```
 */
export const E2E_COS_SECRET = Object.freeze({
  appId: '1250054321',
  secretId: 'AKIDe2eFAKEcosSecretId9b7d5f3a1c',
  secretKey: 'e2eFAKEcosSecretKey7c1e9a4b2d6f8a0c',
  bucket: 'e2e-uploads-1250054321',
  region: 'ap-guangzhou',
});

/**
 * The seed of the loopback STS (test/support/fakeTemporaryKeys.ts): it derives the secret keys of the
 * temporary keys it issues and seals their session tokens, so that tests and the loopback COS can check
 * a temporary key without asking STS. Fake, like everything here.
 *
 * @example
 * ```ts
 * fakeTmpSecretKey(E2E_STS_SEED, json.TmpSecretId);
 * ```
 */
export const E2E_STS_SEED = 'e2e-FAKE-sts-seed-3a7c1e9b5d2f';

/** The host the stack signs (the default `COS_HOST`: the bucket's domain). */
export const E2E_COS_HOST = `${E2E_COS_SECRET.bucket}.cos.${E2E_COS_SECRET.region}.myqcloud.com`;

/**
 * The HS256 session configuration of the stack (a test secret, not the committed development one,
 * which `lib/config.ts` refuses outside the local stage). The secret sits in the fake Secrets Manager
 * under {@link SESSION_SECRET_ID}; no function's environment holds it.
 *
 * @example
 * ```ts
 * new SignJWT({ sub: 'alice' }).setIssuer(E2E_SESSION.issuer).setAudience(E2E_SESSION.audience);
 * ```
 */
export const E2E_SESSION = Object.freeze({
  hs256Secret: 'e2e-FAKE-session-hs256-secret-1f9d7c3b5a0e2c4d6f8a',
  issuer: 'https://id.e2e.example/',
  audience: 'tencent-token-issuer-e2e',
});

/** Settings the tests depend on; the stack passes exactly these to the functions. */
export const E2E_SETTINGS = Object.freeze({
  /** Short, so a test can wait out the secret cache. */
  secretsTtlSeconds: 2,
  secretsRetryAttempts: 2,
  secretsTimeoutMs: 300,
  /** Not the default (2), so the test proves the configured value reaches the `Retry-After` header. */
  secretsRetryAfterSeconds: 3,
  corsAllowedOrigin: 'https://app.example',
  /** The service default: `MAX_BODY_BYTES` is left unset. */
  maxBodyBytes: 4096,
  /** Service defaults: `*_MAX_EXPIRE` are left unset. */
  userSigMaxExpire: 86_400,
  privateMapKeyMaxExpire: 3600,
  cosMaxExpire: 3600,
  /** Per STS attempt (two attempts for a network failure): a delay fault longer than both is a 503. */
  stsTimeoutMs: 1000,
  /** Service defaults: `COS_CREDENTIALS_*_EXPIRE` and `COS_STS_KEY_SECONDS` are left unset. */
  cosCredentialsDefaultExpire: 1800,
  cosCredentialsMaxExpire: 7200,
  cosStsKeySeconds: 7200,
  /** The service default `COS_MAX_UPLOAD_BYTES` (100 MiB). */
  cosMaxUploadBytes: 104_857_600,
});

/**
 * The room policy of the stack: the rooms claim (`trtc_rooms`), these rules, and the example hook
 * (1:1 calls: the callee of `call.<caller>.<callee>`), invoked through the loopback Lambda API.
 */
export const E2E_ROOMS = Object.freeze({
  policy: 'claims,rules,hook',
  rules: Object.freeze([
    { strRoomId: 'u.{userId}.*', role: 'anchor' },
    { strRoomId: 'call.{userId}.*', role: 'anchor' },
    { roomId: '{userId}', role: 'anchor' },
    { strRoomId: 'lobby', role: 'audience' },
  ]),
  hookFunction: `tencent-token-issuer-${E2E_STAGE}-exampleRoomHook`,
  hookClaims: Object.freeze(['org']),
  /** Above the default (1000): the shared test machines are slow; the timeout test waits 4 times this. */
  hookTimeoutMs: 2000,
  /** Short, so a test can wait out the answer cache. */
  hookCacheSeconds: 2,
  hookRetryAfterSeconds: 4,
});

/** The key prefix of a user (the default `COS_KEY_PREFIX`, `users/{userId}/`). */
export function cosPrefixOf(userId: string): string {
  return `users/${userId}/`;
}

/**
 * The documented error codes and their statuses (README, "API"): a client can receive these and no
 * others, always with this status.
 *
 * @example
 * ```ts
 * expect(response.status).toBe(ERROR_CODE_STATUS[code]);
 * ```
 */
export const ERROR_CODE_STATUS: Readonly<Record<string, number>> = Object.freeze({
  INVALID_JSON: 400,
  INVALID_REQUEST: 400,
  EXPIRE_TOO_LONG: 400,
  INVALID_EXPIRE: 400,
  INVALID_ROOM: 400,
  UNKNOWN_PRIVILEGE: 400,
  INVALID_KEY: 400,
  UNAUTHENTICATED: 401,
  USER_ID_UNMAPPABLE: 403,
  USER_MISMATCH: 403,
  ROLE_UNKNOWN: 403,
  PRIVILEGES_EXCEEDED: 403,
  KEY_OUTSIDE_PREFIX: 403,
  METHOD_NOT_ALLOWED: 403,
  SCOPE_TOO_WIDE: 403,
  OPERATION_NOT_ALLOWED: 403,
  HEADER_NOT_ALLOWED: 403,
  QUERY_NOT_ALLOWED: 403,
  CONTENT_LENGTH_REQUIRED: 400,
  UPLOAD_TOO_LARGE: 403,
  CONTENT_TYPE_REQUIRED: 400,
  CONTENT_TYPE_NOT_ALLOWED: 403,
  V4_ONCE_DISABLED: 403,
  STS_NOT_CONFIGURED: 501,
  STS_UNAVAILABLE: 503,
  ENTER_ROOM_REQUIRED: 400,
  ROOM_FORBIDDEN: 403,
  ROOM_HOOK_UNAVAILABLE: 503,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  SECRETS_UNAVAILABLE: 503,
  SESSION_KEYS_UNAVAILABLE: 503,
  INTERNAL_ERROR: 500,
});

/** Rotation jobs (issue 10): the COS rotator's secret, the CAM users, and the fake Tencent endpoints' seed. */
export const COS_ROTATOR_SECRET_ID = 'e2e/cos-rotator';
export const E2E_CAM = Object.freeze({ ownerUin: 200_000, cosUserUin: 200_001, rotatorUin: 200_002 });
export const E2E_COS_ROTATOR = Object.freeze({
  secretId: 'AKIDe2eFAKErotatorKey6a8c0e2f4b1d',
  secretKey: 'e2eFAKErotatorSecretKey9d7f5b3a1c',
  targetUin: E2E_CAM.cosUserUin,
});
/** The IM app administrator the TRTC key check signs its ticket for. */
export const E2E_TRTC_ADMIN = 'e2e_admin';
