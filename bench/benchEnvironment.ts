import { SignJWT } from 'jose';
import { startFakeSecretsManager } from '../test/support/fakeSecretsManager';
import { startFakeSts } from '../test/support/fakeSts';

// The environment every service bench runs in: a loopback Secrets Manager holding fake signing keys,
// and the variables a deployed (non-local) stage needs, pointing the real AWS SDK client at it.

export const BENCH_SESSION = {
  secret: 'bench-session-secret-0123456789abcdef-0123',
  issuer: 'bench-issuer',
  audience: 'bench-audience',
};

export const BENCH_SECRETS = {
  trtc: { sdkAppId: 1400000000, secretKey: 'bench-trtc-key-not-real-0123456789abcdef' },
  cos: {
    appId: '1250000000',
    secretId: 'bench-cos-id-not-real',
    secretKey: 'bench-cos-key-not-real-0123456789',
    bucket: 'benchbucket-1250000000',
    region: 'ap-guangzhou',
  },
};

export async function startBenchSecretsManager() {
  const fake = await startFakeSecretsManager();
  fake.putSecret('bench/trtc', JSON.stringify(BENCH_SECRETS.trtc));
  fake.putSecret('bench/cos', JSON.stringify(BENCH_SECRETS.cos));
  return fake;
}

/** A loopback Tencent STS that knows the bench's COS key (the COS functions use STS on deployed stages). */
export function startBenchSts() {
  return startFakeSts({
    camKeys: { [BENCH_SECRETS.cos.secretId]: BENCH_SECRETS.cos.secretKey },
    seed: 'bench-sts-seed-not-a-secret',
  });
}

/**
 * Variables for a function process: what serverless.yml would set on a deployed stage. With `stsUrl`
 * the COS functions use that STS; without, they sign with the bucket key (`COS_STS_ENABLED=false`).
 */
export function serviceEnvironment(secretsManagerUrl: string, stsUrl?: string): Record<string, string> {
  return {
    COS_STS_ENABLED: String(stsUrl !== undefined),
    ...(stsUrl === undefined ? {} : { COS_STS_ENDPOINT: stsUrl }),
    STAGE: 'bench',
    LOG_LEVEL: 'warn',
    SECRETS_SOURCE: 'aws',
    TRTC_SECRET_ID: 'bench/trtc',
    COS_SECRET_ID: 'bench/cos',
    SESSION_HS256_SECRET: BENCH_SESSION.secret,
    SESSION_ISSUER: BENCH_SESSION.issuer,
    SESSION_AUDIENCE: BENCH_SESSION.audience,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManagerUrl,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

export function benchSessionToken(userId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: userId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(BENCH_SESSION.issuer)
    .setAudience(BENCH_SESSION.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(new TextEncoder().encode(BENCH_SESSION.secret));
}

/** An HTTP API v2 event as the gateway hands it to a token function after the authorizer ran. */
export function tokenEvent(path: string, body: unknown, userId = 'bench_user') {
  return {
    version: '2.0',
    routeKey: `POST ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext: {
      requestId: 'bench-request',
      http: { method: 'POST', path },
      authorizer: { lambda: { userId } },
    },
    body: JSON.stringify(body),
    isBase64Encoded: false,
  };
}

export const ROUTE_BODIES = {
  userSig: { path: '/v1/usersig', body: { expire: 3600 } },
  privateMapKey: { path: '/v1/privatemapkey', body: { roomId: 10000 } },
  cosSign: {
    path: '/v1/cos/sign',
    body: {
      method: 'PUT',
      key: 'users/bench_user/a.png',
      headers: { 'Content-Type': 'image/png', 'Content-Length': 1024 },
    },
  },
} as const;

/** The credentials route, measured at cold start only (its warm cost is the STS round trip). */
export const CREDENTIALS_BODY = { path: '/v1/cos/credentials', body: {} } as const;
