import { SignJWT } from 'jose';
import { startFakeSecretsManager } from '../test/support/fakeSecretsManager';
import { type FakeSts, startFakeSts } from '../test/support/fakeSts';
import { type JwksServer, startJwksServer } from '../test/support/jwksServer';
import { createSigningKey, type SigningKey } from '../test/support/sessionTokens';

// The environment every service bench runs in: a loopback Secrets Manager holding fake signing keys, a
// loopback identity provider (JWKS, RS256) for the authorizer, a loopback Tencent STS for the COS
// functions, and the variables a deployed (non-local) stage gives each function, pointing the real
// clients at the fakes.

export const BENCH_SESSION = {
  issuer: 'https://bench-idp.example/',
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

/** The loopback services a bench needs, started in this process. */
export interface BenchServices {
  readonly secretsManager: Awaited<ReturnType<typeof startFakeSecretsManager>>;
  readonly jwks: JwksServer;
  readonly sessionKey: SigningKey;
  /** Knows the bench's COS key: the COS functions use STS on deployed stages. */
  readonly sts: FakeSts;
  close(): Promise<void>;
}

export async function startBenchServices(): Promise<BenchServices> {
  const secretsManager = await startFakeSecretsManager();
  secretsManager.putSecret('bench/trtc', JSON.stringify(BENCH_SECRETS.trtc));
  secretsManager.putSecret('bench/cos', JSON.stringify(BENCH_SECRETS.cos));
  const sessionKey = await createSigningKey('RS256', 'bench-rsa');
  const jwks = await startJwksServer({ keys: [sessionKey.publicJwk] });
  const sts = await startFakeSts({
    camKeys: { [BENCH_SECRETS.cos.secretId]: BENCH_SECRETS.cos.secretKey },
    seed: 'bench-sts-seed-not-a-secret',
  });
  return {
    secretsManager,
    jwks,
    sessionKey,
    sts,
    close: async () => {
      await secretsManager.close();
      await jwks.close();
      await sts.close();
    },
  };
}

/**
 * Variables for a function process: what the deployment gives a function of a deployed stage. The COS
 * functions use the loopback STS, unless `sts: false` (`COS_STS_ENABLED=false`: the bucket key signs).
 */
export function serviceEnvironment(
  services: BenchServices,
  options: { sts?: boolean } = {},
): Record<string, string> {
  const sts = options.sts ?? true;
  return {
    COS_STS_ENABLED: String(sts),
    ...(sts ? { COS_STS_ENDPOINT: services.sts.url } : {}),
    STAGE: 'bench',
    LOG_LEVEL: 'warn',
    SECRETS_SOURCE: 'aws',
    TRTC_SECRET_ID: 'bench/trtc',
    COS_SECRET_ID: 'bench/cos',
    SESSION_JWKS_URL: services.jwks.url,
    SESSION_ISSUER: BENCH_SESSION.issuer,
    SESSION_AUDIENCE: BENCH_SESSION.audience,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: services.secretsManager.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

export function benchSessionToken(services: BenchServices, userId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: userId })
    .setProtectedHeader({ alg: 'RS256', kid: services.sessionKey.kid, typ: 'JWT' })
    .setIssuer(BENCH_SESSION.issuer)
    .setAudience(BENCH_SESSION.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + 3600)
    .sign(services.sessionKey.privateKey);
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
      // The rooms claim grants the privateMapKey body's room (the room policy denies by default).
      authorizer: {
        lambda: {
          userId,
          sessionExpiresAt: Math.floor(Date.now() / 1000) + 3600,
          claims: JSON.stringify({ trtc_rooms: [ROUTE_BODIES.privateMapKey.body.roomId] }),
        },
      },
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
