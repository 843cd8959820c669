import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { handMadeToken } from '../support/sessionTokens';
import {
  type ApiResponse,
  logOffset,
  logText,
  nowSeconds,
  post,
  ROUTES,
  type Route,
  recordToken,
  sessionSettings,
  sessionToken,
  sleep,
  TOKEN_FIELDS,
  waitForLog,
} from './support/client';

// Who may get a token: the Lambda authorizer verifies the session JWT on every route and the function
// turns any failure into our own 401 (never the gateway's 403); a request without an Authorization header
// gets the gateway's own 401; a session whose subject is no Tencent user id, and a body naming another
// user, are 403s.

const BODIES: Record<Route, Record<string, unknown>> = {
  '/v1/usersig': {},
  // Granted to everyone by the stack's lobby rule.
  '/v1/privatemapkey': { strRoomId: 'lobby' },
  '/v1/cos/sign': { method: 'GET', key: 'users/frank/a.txt' },
  '/v1/cos/credentials': { expire: 900 },
};

function expectError(response: ApiResponse, status: number, code: string): void {
  expect({ status: response.status, body: response.json }).toEqual({
    status,
    body: { error: { code, message: expect.any(String) } },
  });
  for (const field of TOKEN_FIELDS) expect(response.text).not.toContain(`"${field}"`);
}

/**
 * Sends a request and expects our 401, and that the authorizer refused it for `reason` (so a test whose
 * token is broken in another way than intended does not pass by accident). The log line names the
 * reason and the failing claim, never the token.
 */
async function expectUnauthenticated(
  send: () => Promise<ApiResponse>,
  reason: string,
  claim?: string,
): Promise<void> {
  const from = logOffset();
  const response = await send();
  expectError(response, 401, 'UNAUTHENTICATED');
  expect(response.headers.get('www-authenticate')).toBe('Bearer');
  expect(response.headers.get('cache-control')).toBe('no-store');
  // The authorizer's line (the function's own has a "route"); the log carries no usable request id
  // under serverless-offline, so the line is found by its reason, after the request was sent.
  const isRejection = (text: string) => text.includes('"session rejected"') && !text.includes('"route"');
  const line = await waitForLog((text) => isRejection(text) && text.includes(`"reason":"${reason}"`), {
    from,
  }).catch(() => undefined);
  const seen = logText(from).split('\n').filter(isRejection);
  expect(line, `authorizer rejections after the request: ${seen.join('\n')}`).toBeDefined();
  expect(JSON.parse(line as string)).toMatchObject({
    level: 'warn',
    reason,
    ...(claim === undefined ? {} : { claim }),
  });
}

describe('403 USER_MISMATCH', () => {
  it.each(ROUTES)('%s: a body naming another user is refused', async (route) => {
    const response = await post(route, {
      token: await sessionToken('frank'),
      body: { ...BODIES[route], userId: 'grace' },
    });

    expectError(response, 403, 'USER_MISMATCH');
  });

  it.each(ROUTES)('%s: a body naming the caller is fine', async (route) => {
    const response = await post(route, {
      token: await sessionToken('frank'),
      body: { ...BODIES[route], userId: 'frank' },
    });

    expect(response.status).toBe(200);
  });
});

describe('401 from the gateway itself', () => {
  it.each(
    ROUTES,
  )('%s: no Authorization header: the identity source is missing, no Lambda runs', async (route) => {
    const from = logOffset();
    const response = await post(route, { body: BODIES[route] });
    // API Gateway's own answer (README, "Authorizer"): not our error shape, and no function ran.
    expect(response.status).toBe(401);
    expect(response.json).toEqual({ message: 'Unauthorized' });
    const more = await post(route, { body: BODIES[route], headers: { Authorization: '' } });
    expect(more.json).toEqual({ message: 'Unauthorized' });
    await sleep(200);
    expect(logText(from)).not.toContain('"session rejected"');
  });
});

describe('403 USER_ID_UNMAPPABLE', () => {
  it.each([
    ['an e-mail address', 'frank@example.com'],
    ['33 characters', 'f'.repeat(33)],
    ['a path', '../frank'],
    ['non-ASCII', 'frånk'],
    ['empty', ''],
    ['a number', 12345],
  ])('a valid session whose subject is no Tencent user id (exact mapping): %s', async (_name, sub) => {
    const token = await sessionToken('frank', { claims: { sub } });
    const response = await post('/v1/privatemapkey', { token, body: { roomId: 1 } });
    // Not 401: signing in again gives the same subject, so a 401 would loop the client through login.
    expectError(response, 403, 'USER_ID_UNMAPPABLE');
    expect(response.headers.get('www-authenticate')).toBeNull();
  });
});

describe('401 UNAUTHENTICATED', () => {
  it.each(ROUTES)('%s: a forged signature (signed with another secret)', async (route) => {
    const token = await sessionToken('frank', { secret: 'not-the-e2e-session-secret-0123456789abcdef' });
    await expectUnauthenticated(() => post(route, { token, body: BODIES[route] }), 'TOKEN_INVALID');
  });

  it('a valid token whose payload was altered (user swapped, signature kept)', async () => {
    const [header, , signature] = (await sessionToken('frank')).split('.');
    const [, payload] = (await sessionToken('admin')).split('.');
    const token = `${header}.${payload}.${signature}`;
    recordToken('session', token);
    await expectUnauthenticated(() => post('/v1/usersig', { token }), 'TOKEN_INVALID');
  });

  it('an expired token (beyond the clock tolerance)', async () => {
    const now = nowSeconds();
    const token = await sessionToken('frank', {
      claims: { iat: now - 7200, nbf: now - 7200, exp: now - 3600 },
    });
    await expectUnauthenticated(() => post('/v1/usersig', { token }), 'TOKEN_EXPIRED', 'exp');
  });

  it('a token that is not valid yet', async () => {
    const token = await sessionToken('frank', { claims: { nbf: nowSeconds() + 3600 } });
    await expectUnauthenticated(() => post('/v1/usersig', { token }), 'TOKEN_NOT_YET_VALID', 'nbf');
  });

  it('a token without exp', async () => {
    const token = await sessionToken('frank', { claims: { exp: undefined } });
    await expectUnauthenticated(() => post('/v1/usersig', { token }), 'CLAIM_INVALID', 'exp');
  });

  it('alg: none (unsigned)', async () => {
    const { issuer, audience } = sessionSettings();
    const now = nowSeconds();
    const token = handMadeToken(
      { alg: 'none', typ: 'JWT' },
      { iss: issuer, aud: audience, sub: 'frank', iat: now, exp: now + 600 },
    );
    recordToken('session', token);
    await expectUnauthenticated(() => post('/v1/usersig', { token }), 'ALGORITHM_NOT_ALLOWED');
  });

  it('alg: HS512 (a correct HMAC, but not an allowed algorithm)', async () => {
    const { issuer, audience, hs256Secret } = sessionSettings();
    const now = nowSeconds();
    const token = handMadeToken(
      { alg: 'HS512', typ: 'JWT' },
      { iss: issuer, aud: audience, sub: 'frank', iat: now, exp: now + 600 },
    );
    // handMadeToken signs HMAC-SHA256 whatever the header says: re-sign properly with SHA-512.
    const input = token.slice(0, token.lastIndexOf('.'));
    const hs512 = `${input}.${createHmac('sha512', hs256Secret).update(input).digest('base64url')}`;
    recordToken('session', hs512);
    await expectUnauthenticated(() => post('/v1/usersig', { token: hs512 }), 'ALGORITHM_NOT_ALLOWED');
  });

  it('a wrong audience', async () => {
    const token = await sessionToken('frank', { claims: { aud: 'another-app' } });
    await expectUnauthenticated(() => post('/v1/usersig', { token }), 'CLAIM_INVALID', 'aud');
  });

  it('a wrong issuer', async () => {
    const token = await sessionToken('frank', { claims: { iss: 'https://evil.example/' } });
    await expectUnauthenticated(() => post('/v1/usersig', { token }), 'CLAIM_INVALID', 'iss');
  });

  it.each([
    ['a Basic header', 'Basic ZnJhbms6cGFzc3dvcmQ='],
    ['Bearer and no token', 'Bearer '],
    ['not a JWT', 'Bearer not-a-jwt'],
  ])('a malformed Authorization header: %s', async (_name, value) => {
    await expectUnauthenticated(
      () => post('/v1/usersig', { headers: { Authorization: value } }),
      'TOKEN_MALFORMED',
    );
  });

  it('an unknown role claim cannot get room privileges (403 ROLE_UNKNOWN, authenticated)', async () => {
    const token = await sessionToken('frank', { role: 'superuser', rooms: [1] });
    expectError(await post('/v1/privatemapkey', { token, body: { roomId: 1 } }), 403, 'ROLE_UNKNOWN');
  });
});
