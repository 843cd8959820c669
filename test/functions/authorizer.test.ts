import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type JwksServer, startJwksServer } from '../support/jwksServer';
import {
  claimsAt,
  createSigningKey,
  handMadeToken,
  hsToken,
  keyToken,
  type SigningKey,
  TEST_HS_SECRET,
  TEST_NOW,
} from '../support/sessionTokens';

type AuthorizerModule = typeof import('../../functions/authorizer');

/** `exp` of `claimsAt(TEST_NOW)` plus the 30 s clock tolerance, as the context carries it. */
const SESSION_END = TEST_NOW + 3600 + 30;

const SESSION_ENV = {
  STAGE: 'local',
  SESSION_HS256_SECRET: TEST_HS_SECRET,
  SESSION_JWKS_URL: undefined,
  SESSION_ISSUER: 'https://id.example.test/',
  SESSION_AUDIENCE: 'token-issuer',
  SESSION_ALGORITHMS: undefined,
  SESSION_USER_CLAIM: undefined,
  SESSION_ROLE_CLAIM: undefined,
  SESSION_CLOCK_TOLERANCE_SECONDS: '30',
  LOG_LEVEL: 'debug',
} as const;

/** Imports the authorizer afresh, as a cold start with this environment would. */
async function coldStart(env: Record<string, string | undefined>): Promise<AuthorizerModule> {
  vi.resetModules();
  for (const [name, value] of Object.entries({ ...SESSION_ENV, ...env })) vi.stubEnv(name, value);
  return import('../../functions/authorizer');
}

/** An HTTP API (payload 2.0) REQUEST authorizer event, as API Gateway sends it with no identity source. */
function authorizerEvent(
  headers: Record<string, string>,
  requestId = 'Rq1xYgP3joEEJ6A=',
): APIGatewayRequestAuthorizerEventV2 {
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/$default/POST/v1/usersig',
    identitySource: [],
    routeKey: 'POST /v1/usersig',
    rawPath: '/v1/usersig',
    rawQueryString: '',
    cookies: [],
    headers: {
      'content-type': 'application/json',
      host: 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com',
      ...headers,
    },
    requestContext: {
      accountId: '123456789012',
      apiId: 'a1b2c3d4e5',
      domainName: 'a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'a1b2c3d4e5',
      http: {
        method: 'POST',
        path: '/v1/usersig',
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: 'curl/8.5.0',
      },
      requestId,
      routeKey: 'POST /v1/usersig',
      stage: '$default',
      time: '01/Jan/2030:00:00:00 +0000',
      timeEpoch: TEST_NOW * 1000,
    },
  };
}

let logLines: string[] = [];

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(TEST_NOW * 1000);
  logLines = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    logLines.push(String(chunk));
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

const records = () => logLines.map((line) => JSON.parse(line) as Record<string, unknown>);

function expectNoTokenInLogs(token: string) {
  const parts = [token, ...token.split('.')].filter((part) => part.length > 0);
  for (const line of logLines) {
    for (const part of parts) {
      expect(line).not.toContain(part);
    }
  }
}

describe('authorizer handler (HS256 secret)', () => {
  it('authorizes a valid token with the user id and role in the context', async () => {
    const { handler } = await coldStart({});
    const token = await hsToken(claimsAt(TEST_NOW, { sub: 'alice', trtc_role: 'anchor' }));
    await expect(handler(authorizerEvent({ authorization: `Bearer ${token}` }))).resolves.toEqual({
      isAuthorized: true,
      context: { userId: 'alice', role: 'anchor', sessionExpiresAt: SESSION_END },
    });
    expect(records()).toEqual([
      expect.objectContaining({
        level: 'debug',
        message: 'session accepted',
        userId: 'alice',
        requestId: 'Rq1xYgP3joEEJ6A=',
      }),
    ]);
    expectNoTokenInLogs(token);
  });

  it('passes the room policy claims the token carries as one JSON text, and no other claim', async () => {
    const { handler } = await coldStart({
      ROOM_POLICY: 'claims,hook',
      ROOM_HOOK_FUNCTION: 'room-hook',
      ROOM_HOOK_CLAIMS: 'org,plan',
    });
    const rooms = { 'class-42': 'anchor', lobby: 'audience' };
    const token = await hsToken(
      claimsAt(TEST_NOW, { trtc_rooms: rooms, org: { id: 7 }, email: 'a@example.test' }),
    );
    const result = await handler(authorizerEvent({ authorization: `Bearer ${token}` }));
    expect(result).toEqual({
      isAuthorized: true,
      context: {
        userId: 'alice',
        sessionExpiresAt: SESSION_END,
        claims: JSON.stringify({ trtc_rooms: rooms, org: { id: 7 } }),
      },
    });
    // Claims of kinds that are not configured stay out of the context.
    const claimsOnly = await coldStart({ ROOM_POLICY: 'rules' });
    const other = await claimsOnly.handler(authorizerEvent({ authorization: `Bearer ${token}` }));
    expect(other).toEqual({
      isAuthorized: true,
      context: { userId: 'alice', sessionExpiresAt: SESSION_END },
    });
  });

  it('omits the role when the token has none', async () => {
    const { handler } = await coldStart({});
    const token = await hsToken(claimsAt(TEST_NOW));
    const result = await handler(authorizerEvent({ authorization: `Bearer ${token}` }));
    expect(result).toEqual({
      isAuthorized: true,
      context: { userId: 'alice', sessionExpiresAt: SESSION_END },
    });
  });

  it('reads the header whatever its case (serverless-offline keeps the client case)', async () => {
    const { handler } = await coldStart({});
    const token = await hsToken(claimsAt(TEST_NOW, { sub: 'bob' }));
    for (const name of ['Authorization', 'AUTHORIZATION', 'authorization']) {
      const result = await handler(authorizerEvent({ [name]: `bearer ${token}` }));
      expect(result.context).toEqual({ userId: 'bob', sessionExpiresAt: SESSION_END });
    }
  });

  it('reports each failure in the context, never as isAuthorized false, and logs one line without the token', async () => {
    const { handler } = await coldStart({});
    const cases: [string, string | undefined, string][] = [
      ['no header', undefined, 'TOKEN_MISSING'],
      ['not bearer', `Basic ${Buffer.from('alice:pw').toString('base64')}`, 'TOKEN_MALFORMED'],
      ['expired', `Bearer ${await hsToken(claimsAt(TEST_NOW, { exp: TEST_NOW - 3600 }))}`, 'TOKEN_EXPIRED'],
      [
        'not yet valid',
        `Bearer ${await hsToken(claimsAt(TEST_NOW, { nbf: TEST_NOW + 600 }))}`,
        'TOKEN_NOT_YET_VALID',
      ],
      [
        'wrong secret',
        `Bearer ${await hsToken(claimsAt(TEST_NOW), { secret: 'not-the-secret-but-long-enough-000000' })}`,
        'TOKEN_INVALID',
      ],
      ['alg none', `Bearer ${handMadeToken({ alg: 'none' }, claimsAt(TEST_NOW))}`, 'ALGORITHM_NOT_ALLOWED'],
      ['wrong audience', `Bearer ${await hsToken(claimsAt(TEST_NOW, { aud: 'other' }))}`, 'CLAIM_INVALID'],
      [
        'unmappable user id',
        `Bearer ${await hsToken(claimsAt(TEST_NOW, { sub: 'alice smith' }))}`,
        'USER_ID_UNMAPPABLE',
      ],
    ];
    for (const [name, header, reason] of cases) {
      logLines = [];
      const event = authorizerEvent(header === undefined ? {} : { Authorization: header }, `req-${name}`);
      await expect(handler(event), name).resolves.toEqual({
        isAuthorized: true,
        context: { authFailure: reason },
      });
      expect(records(), name).toEqual([
        expect.objectContaining({
          level: 'warn',
          message: 'session rejected',
          reason,
          requestId: `req-${name}`,
        }),
      ]);
      if (header !== undefined) expectNoTokenInLogs(header.split(' ')[1] as string);
    }
  });

  it('names the failing claim in the log line', async () => {
    const { handler } = await coldStart({});
    const token = await hsToken(claimsAt(TEST_NOW, { iss: 'https://evil.example/' }));
    await handler(authorizerEvent({ authorization: `Bearer ${token}` }));
    expect(records()).toEqual([expect.objectContaining({ reason: 'CLAIM_INVALID', claim: 'iss' })]);
  });

  it('logs nothing on success above debug level', async () => {
    const { handler } = await coldStart({ LOG_LEVEL: 'info' });
    const token = await hsToken(claimsAt(TEST_NOW));
    await handler(authorizerEvent({ authorization: `Bearer ${token}` }));
    expect(logLines).toEqual([]);
  });

  it('fails the cold start on an invalid configuration', async () => {
    await expect(coldStart({ STAGE: 'prod', SESSION_HS256_SECRET: undefined })).rejects.toThrow(/SESSION_/);
  });
});

describe('authorizer handler (JWKS)', () => {
  let server: JwksServer;
  let rsa: SigningKey;

  beforeAll(async () => {
    rsa = await createSigningKey('RS256', 'rsa-1');
    server = await startJwksServer({ keys: [rsa.publicJwk] });
  });
  afterAll(() => server.close());

  it('authorizes RS256 tokens with the keys INIT fetched, refuses HS256 ones, and fails uncached when the key endpoint fails', async () => {
    const before = server.requests;
    const { handler } = await coldStart({ SESSION_HS256_SECRET: undefined, SESSION_JWKS_URL: server.url });
    // INIT fetched the key set: the first request does not wait for it.
    expect(server.requests).toBe(before + 1);
    const token = await keyToken(rsa, claimsAt(TEST_NOW, { sub: 'dora' }));
    await expect(handler(authorizerEvent({ authorization: `Bearer ${token}` }))).resolves.toEqual({
      isAuthorized: true,
      context: { userId: 'dora', sessionExpiresAt: SESSION_END },
    });
    expect(server.requests).toBe(before + 1);

    const confused = handMadeToken({ alg: 'HS256', kid: rsa.kid }, claimsAt(TEST_NOW), rsa.publicPem);
    const refused = await handler(authorizerEvent({ authorization: `Bearer ${confused}` }));
    expect(refused.context).toEqual({ authFailure: 'ALGORITHM_NOT_ALLOWED' });

    // A new container (empty key cache) while the identity provider is down: INIT survives, and the
    // request fails without an answer the gateway would cache (it answers 500 and asks again next time).
    server.setMode('fail');
    logLines = [];
    try {
      const cold = await coldStart({ SESSION_HS256_SECRET: undefined, SESSION_JWKS_URL: server.url });
      await expect(cold.handler(authorizerEvent({ authorization: `Bearer ${token}` }))).rejects.toThrow(
        'session keys unavailable',
      );
    } finally {
      server.setMode('ok');
    }
    expect(records()).toEqual([expect.objectContaining({ level: 'error', reason: 'KEYS_UNAVAILABLE' })]);
    expectNoTokenInLogs(token);
  });
});
