import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createSessionVerifier,
  SessionError,
  type SessionErrorReason,
  type SessionVerifier,
} from '../../lib/session';
import { type JwksServer, startJwksServer } from '../support/jwksServer';
import {
  claimsAt,
  createSigningKey,
  handMadeToken,
  hsSessionConfig,
  hsToken,
  jwksSessionConfig,
  keyToken,
  type SigningKey,
  TEST_HS_SECRET,
  TEST_NOW,
} from '../support/sessionTokens';

const now = () => TEST_NOW * 1000;
const bearer = (token: string) => `Bearer ${token}`;

async function rejectionOf(promise: Promise<unknown>): Promise<SessionError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SessionError);
    return error as SessionError;
  }
  throw new Error('expected the verification to fail');
}

async function expectReason(promise: Promise<unknown>, reason: SessionErrorReason, claim?: string) {
  const error = await rejectionOf(promise);
  expect(error.reason).toBe(reason);
  if (claim !== undefined) expect(error.claim).toBe(claim);
  return error;
}

/** `exp` of `claimsAt(TEST_NOW)` plus the 30 s clock tolerance: when a principal's session ends. */
const SESSION_END = TEST_NOW + 3600 + 30;

describe('createSessionVerifier (HS256 secret)', () => {
  const verifier = createSessionVerifier(hsSessionConfig(), { now });
  const verifyClaims = async (overrides: Record<string, unknown>) =>
    verifier.verify(bearer(await hsToken(claimsAt(TEST_NOW, overrides))));

  it('returns the principal named by the sub claim', async () => {
    await expect(verifier.verify(bearer(await hsToken(claimsAt(TEST_NOW))))).resolves.toEqual({
      sessionExpiresAt: SESSION_END,
      userId: 'alice',
    });
  });

  it('accepts the Bearer scheme in any case and surrounding whitespace', async () => {
    const token = await hsToken(claimsAt(TEST_NOW));
    for (const header of [
      `bearer ${token}`,
      `BEARER ${token}`,
      `  Bearer   ${token}  `,
      `Bearer\t${token}`,
    ]) {
      await expect(verifier.verify(header)).resolves.toEqual({
        sessionExpiresAt: SESSION_END,
        userId: 'alice',
      });
    }
  });

  it('accepts an aud array that contains the configured audience', async () => {
    await expect(verifyClaims({ aud: ['other', 'token-issuer'] })).resolves.toEqual({
      sessionExpiresAt: SESSION_END,
      userId: 'alice',
    });
  });

  describe('missing and malformed headers', () => {
    it('refuses a missing or blank header as TOKEN_MISSING', async () => {
      for (const header of [undefined, '', '   '])
        await expectReason(verifier.verify(header), 'TOKEN_MISSING');
    });

    it('refuses anything that is not "Bearer <compact JWS>" as TOKEN_MALFORMED', async () => {
      const token = await hsToken(claimsAt(TEST_NOW));
      for (const header of [
        token,
        'Bearer',
        'Bearer ',
        `Basic ${token}`,
        `Bearertoken ${token}`,
        `Bearer ${token} extra`,
        `Bearer ${token}, Bearer ${token}`,
        'Bearer garbage',
        'Bearer a.b',
        'Bearer a.b.c.d',
        'Bearer a..c',
        'Bearer a+b.c/d.e=',
      ]) {
        await expectReason(verifier.verify(header), 'TOKEN_MALFORMED');
      }
    });

    it('refuses a token whose header or payload is not JSON as TOKEN_MALFORMED', async () => {
      await expectReason(verifier.verify('Bearer abc.def.ghi'), 'TOKEN_MALFORMED');
      const payloadNotJson = handMadeToken({ alg: 'HS256' }, 'not json', TEST_HS_SECRET);
      await expectReason(verifier.verify(bearer(payloadNotJson)), 'TOKEN_MALFORMED');
      const payloadArray = handMadeToken({ alg: 'HS256' }, '[1,2]', TEST_HS_SECRET);
      await expectReason(verifier.verify(bearer(payloadArray)), 'TOKEN_MALFORMED');
    });

    it('refuses a token over 8 KB as TOKEN_MALFORMED without verifying it', async () => {
      const big = await hsToken(claimsAt(TEST_NOW, { padding: 'x'.repeat(8192) }));
      await expectReason(verifier.verify(bearer(big)), 'TOKEN_MALFORMED');
      await expectReason(verifier.verify(`Bearer ${'a'.repeat(100_000)}`), 'TOKEN_MALFORMED');
    });
  });

  describe('signatures and algorithms', () => {
    it('refuses a token signed with another secret as TOKEN_INVALID', async () => {
      const token = await hsToken(claimsAt(TEST_NOW), { secret: 'another-secret-of-sufficient-length-0000' });
      await expectReason(verifier.verify(bearer(token)), 'TOKEN_INVALID');
    });

    it('refuses a forged signature and a tampered payload as TOKEN_INVALID', async () => {
      const token = await hsToken(claimsAt(TEST_NOW));
      const [header, payload, signature] = token.split('.') as [string, string, string];
      const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
      await expectReason(verifier.verify(bearer(`${header}.${payload}.${flipped}`)), 'TOKEN_INVALID');
      const bob = Buffer.from(JSON.stringify(claimsAt(TEST_NOW, { sub: 'bob' }))).toString('base64url');
      await expectReason(verifier.verify(bearer(`${header}.${bob}.${signature}`)), 'TOKEN_INVALID');
      await expectReason(verifier.verify(bearer(`${header}.${payload}.`)), 'TOKEN_INVALID');
    });

    it('refuses alg none as ALGORITHM_NOT_ALLOWED, in any spelling', async () => {
      for (const alg of ['none', 'None', 'NONE']) {
        const token = handMadeToken({ alg, typ: 'JWT' }, claimsAt(TEST_NOW));
        await expectReason(verifier.verify(bearer(token)), 'ALGORITHM_NOT_ALLOWED');
      }
    });

    it('refuses an HMAC algorithm outside the allowlist as ALGORITHM_NOT_ALLOWED', async () => {
      const token = await hsToken(claimsAt(TEST_NOW), { alg: 'HS512' });
      await expectReason(verifier.verify(bearer(token)), 'ALGORITHM_NOT_ALLOWED');
    });

    it('refuses an asymmetric token against a shared-secret verifier as ALGORITHM_NOT_ALLOWED', async () => {
      const rsa = await createSigningKey('RS256', 'rsa');
      await expectReason(
        verifier.verify(bearer(await keyToken(rsa, claimsAt(TEST_NOW)))),
        'ALGORITHM_NOT_ALLOWED',
      );
    });

    it('refuses a header without alg as TOKEN_MALFORMED', async () => {
      const token = handMadeToken({ typ: 'JWT' }, claimsAt(TEST_NOW), TEST_HS_SECRET);
      await expectReason(verifier.verify(bearer(token)), 'TOKEN_MALFORMED');
    });
  });

  describe('time', () => {
    it('refuses an expired token as TOKEN_EXPIRED', async () => {
      await expectReason(
        verifyClaims({ iat: TEST_NOW - 7200, nbf: TEST_NOW - 7200, exp: TEST_NOW - 31 }),
        'TOKEN_EXPIRED',
      );
      await expectReason(verifyClaims({ exp: TEST_NOW - 30 }), 'TOKEN_EXPIRED');
    });

    it('accepts a token expired less than the clock tolerance ago', async () => {
      await expect(verifyClaims({ exp: TEST_NOW - 29 })).resolves.toEqual({
        userId: 'alice',
        sessionExpiresAt: TEST_NOW + 1,
      });
    });

    it('refuses a token whose nbf is beyond the clock tolerance as TOKEN_NOT_YET_VALID', async () => {
      await expectReason(verifyClaims({ nbf: TEST_NOW + 31 }), 'TOKEN_NOT_YET_VALID', 'nbf');
    });

    it('accepts a token whose nbf is within the clock tolerance', async () => {
      await expect(verifyClaims({ nbf: TEST_NOW + 30 })).resolves.toEqual({
        sessionExpiresAt: SESSION_END,
        userId: 'alice',
      });
    });

    it('uses the injected clock, not the machine clock', async () => {
      const later = createSessionVerifier(hsSessionConfig(), { now: () => (TEST_NOW + 3600 + 31) * 1000 });
      await expectReason(later.verify(bearer(await hsToken(claimsAt(TEST_NOW)))), 'TOKEN_EXPIRED');
    });

    it('honours a zero clock tolerance', async () => {
      const strict = createSessionVerifier(hsSessionConfig({ clockToleranceSeconds: 0 }), { now });
      await expectReason(
        strict.verify(bearer(await hsToken(claimsAt(TEST_NOW, { nbf: TEST_NOW + 1 })))),
        'TOKEN_NOT_YET_VALID',
      );
      await expectReason(
        strict.verify(bearer(await hsToken(claimsAt(TEST_NOW, { exp: TEST_NOW })))),
        'TOKEN_EXPIRED',
      );
    });
  });

  describe('claims', () => {
    it('refuses a wrong issuer as CLAIM_INVALID', async () => {
      await expectReason(verifyClaims({ iss: 'https://evil.example/' }), 'CLAIM_INVALID', 'iss');
      await expectReason(verifyClaims({ iss: undefined }), 'CLAIM_INVALID', 'iss');
    });

    it('refuses a wrong audience as CLAIM_INVALID', async () => {
      await expectReason(verifyClaims({ aud: 'another-api' }), 'CLAIM_INVALID', 'aud');
      await expectReason(verifyClaims({ aud: undefined }), 'CLAIM_INVALID', 'aud');
    });

    it('refuses a token without exp as CLAIM_INVALID', async () => {
      await expectReason(verifyClaims({ exp: undefined }), 'CLAIM_INVALID', 'exp');
    });

    it('refuses non-numeric time claims as CLAIM_INVALID', async () => {
      await expectReason(verifyClaims({ exp: 'tomorrow' }), 'CLAIM_INVALID', 'exp');
      await expectReason(verifyClaims({ nbf: '0' }), 'CLAIM_INVALID', 'nbf');
    });

    it('refuses a token without the user claim as CLAIM_INVALID', async () => {
      await expectReason(verifyClaims({ sub: undefined }), 'CLAIM_INVALID', 'sub');
    });

    it('reads the user id from a configured claim', async () => {
      const custom = createSessionVerifier(hsSessionConfig({ userClaim: 'tencent_uid' }), { now });
      const token = await hsToken(claimsAt(TEST_NOW, { sub: 'auth0|123 456', tencent_uid: 'bob_7' }));
      await expect(custom.verify(bearer(token))).resolves.toEqual({
        sessionExpiresAt: SESSION_END,
        userId: 'bob_7',
      });
      await expectReason(
        custom.verify(bearer(await hsToken(claimsAt(TEST_NOW)))),
        'CLAIM_INVALID',
        'tencent_uid',
      );
    });

    it('accepts user ids at the edge of the Tencent rule unchanged', async () => {
      for (const userId of ['a', 'A-z_0-9', 'x'.repeat(32), '123', '-', '_']) {
        await expect(verifyClaims({ sub: userId })).resolves.toEqual({
          sessionExpiresAt: SESSION_END,
          userId,
        });
      }
    });

    it('refuses user ids outside the Tencent rule as USER_ID_UNMAPPABLE (exact mapping), never altering them', async () => {
      for (const sub of [
        'x'.repeat(33),
        'alice smith',
        ' alice',
        'alice\n',
        'alïce',
        '用户',
        'a@b.c',
        'auth0|12345',
        '',
        12345,
        true,
        null,
        ['alice'],
        { id: 'alice' },
      ]) {
        await expectReason(verifyClaims({ sub }), 'USER_ID_UNMAPPABLE', 'sub');
      }
    });

    it('reads a valid role claim', async () => {
      await expect(verifyClaims({ trtc_role: 'anchor' })).resolves.toEqual({
        sessionExpiresAt: SESSION_END,
        userId: 'alice',
        role: 'anchor',
      });
      const custom = createSessionVerifier(hsSessionConfig({ roleClaim: 'role' }), { now });
      const token = await hsToken(claimsAt(TEST_NOW, { role: 'audience', trtc_role: 'anchor' }));
      await expect(custom.verify(bearer(token))).resolves.toEqual({
        sessionExpiresAt: SESSION_END,
        userId: 'alice',
        role: 'audience',
      });
    });

    it('keeps the configured context claims the token carries, as raw JSON, and no other claim', async () => {
      const custom = createSessionVerifier(
        hsSessionConfig({ contextClaims: ['trtc_rooms', 'org', '__proto__'] }),
        { now },
      );
      const rooms = [1234, { strRoomId: 'class-42', role: 'anchor' }];
      const token = await hsToken(
        claimsAt(TEST_NOW, { trtc_rooms: rooms, org: 'acme', email: 'a@example.test' }),
      );
      const principal = await custom.verify(bearer(token));
      expect(principal).toEqual({
        userId: 'alice',
        sessionExpiresAt: expect.any(Number),
        claims: { trtc_rooms: rooms, org: 'acme' },
      });
      // A malformed rooms claim is the room policy's to refuse: the session itself stays valid.
      const odd = await hsToken(claimsAt(TEST_NOW, { trtc_rooms: 'not json', trtc_role: 'anchor' }));
      await expect(custom.verify(bearer(odd))).resolves.toEqual({
        userId: 'alice',
        role: 'anchor',
        sessionExpiresAt: expect.any(Number),
        claims: { trtc_rooms: 'not json' },
      });
      const none = await custom.verify(bearer(await hsToken(claimsAt(TEST_NOW))));
      expect(none).not.toHaveProperty('claims');
    });

    it('omits the role when the token has no role claim', async () => {
      const principal = await verifyClaims({});
      expect(principal).not.toHaveProperty('role');
    });

    it('refuses an invalid role claim as CLAIM_INVALID', async () => {
      for (const role of [
        'anchor admin',
        '',
        'r'.repeat(33),
        'rôle',
        42,
        null,
        ['anchor'],
        { name: 'anchor' },
      ]) {
        await expectReason(verifyClaims({ trtc_role: role }), 'CLAIM_INVALID', 'trtc_role');
      }
    });
  });

  it('gives client-safe messages that never contain the token', async () => {
    const token = await hsToken(claimsAt(TEST_NOW, { exp: TEST_NOW - 3600 }));
    const error = await expectReason(verifier.verify(bearer(token)), 'TOKEN_EXPIRED');
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.message).toBe('session token expired');
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(token.split('.')[2]);
  });
});

describe('createSessionVerifier (JWKS)', () => {
  let server: JwksServer;
  let rsa: SigningKey;
  let ec: SigningKey;
  const fresh = (overrides = {}, deps = {}) =>
    createSessionVerifier(jwksSessionConfig(server.url, overrides), { now, jwksTimeoutMs: 300, ...deps });

  beforeAll(async () => {
    rsa = await createSigningKey('RS256', 'rsa-1');
    ec = await createSigningKey('ES256', 'ec-1');
    server = await startJwksServer({ keys: [rsa.publicJwk, ec.publicJwk] });
  });
  afterEach(() => server.setMode('ok'));
  afterAll(() => server.close());

  it('verifies RS256 and ES256 tokens against the published keys', async () => {
    const verifier = fresh();
    await expect(verifier.verify(bearer(await keyToken(rsa, claimsAt(TEST_NOW))))).resolves.toEqual({
      sessionExpiresAt: SESSION_END,
      userId: 'alice',
    });
    const token = await keyToken(ec, claimsAt(TEST_NOW, { sub: 'bob', trtc_role: 'anchor' }));
    await expect(verifier.verify(bearer(token))).resolves.toEqual({
      sessionExpiresAt: SESSION_END,
      userId: 'bob',
      role: 'anchor',
    });
  });

  it('fetches the key set once for many verifications, including concurrent ones', async () => {
    const verifier = fresh();
    const before = server.requests;
    const tokens = await Promise.all(
      ['u1', 'u2', 'u3', 'u4', 'u5'].map((sub, i) => keyToken(i % 2 ? ec : rsa, claimsAt(TEST_NOW, { sub }))),
    );
    const principals = await Promise.all(tokens.map((token) => verifier.verify(bearer(token))));
    for (const token of tokens) await verifier.verify(bearer(token));
    expect(principals.map((p) => p.userId)).toEqual(['u1', 'u2', 'u3', 'u4', 'u5']);
    expect(server.requests - before).toBe(1);
  });

  it('refuses a token signed by a key the issuer does not publish as TOKEN_INVALID', async () => {
    const verifier = fresh();
    const impostor = await createSigningKey('RS256', 'rsa-1'); // same kid, different key
    await expectReason(
      verifier.verify(bearer(await keyToken(impostor, claimsAt(TEST_NOW)))),
      'TOKEN_INVALID',
    );
    const unknownKid = await createSigningKey('RS256', 'rsa-unknown');
    await expectReason(
      verifier.verify(bearer(await keyToken(unknownKid, claimsAt(TEST_NOW)))),
      'TOKEN_INVALID',
    );
  });

  it('does not refetch the key set for every unknown kid (cooldown)', async () => {
    const verifier = fresh();
    await verifier.verify(bearer(await keyToken(rsa, claimsAt(TEST_NOW))));
    const before = server.requests;
    const unknown = await createSigningKey('ES256', 'ec-unknown');
    for (let i = 0; i < 3; i += 1) {
      await expectReason(
        verifier.verify(bearer(await keyToken(unknown, claimsAt(TEST_NOW)))),
        'TOKEN_INVALID',
      );
    }
    expect(server.requests - before).toBe(0);
  });

  it('refuses an HS256 token HMAC-signed with the RSA public key (algorithm confusion) before fetching keys', async () => {
    const verifier = fresh();
    const before = server.requests;
    for (const key of [rsa.publicPem, JSON.stringify(rsa.publicJwk), rsa.publicJwk.n as string]) {
      const token = handMadeToken({ alg: 'HS256', typ: 'JWT', kid: rsa.kid }, claimsAt(TEST_NOW), key);
      await expectReason(verifier.verify(bearer(token)), 'ALGORITHM_NOT_ALLOWED');
    }
    expect(server.requests - before).toBe(0);
  });

  it('refuses alg none and algorithms outside the allowlist as ALGORITHM_NOT_ALLOWED', async () => {
    const rsOnly = fresh({ algorithms: ['RS256'] });
    await expectReason(
      rsOnly.verify(bearer(await keyToken(ec, claimsAt(TEST_NOW)))),
      'ALGORITHM_NOT_ALLOWED',
    );
    const none = handMadeToken({ alg: 'none', kid: rsa.kid }, claimsAt(TEST_NOW));
    await expectReason(rsOnly.verify(bearer(none)), 'ALGORITHM_NOT_ALLOWED');
    const ps = await createSigningKey('PS256', 'rsa-1');
    await expectReason(
      rsOnly.verify(bearer(await keyToken(ps, claimsAt(TEST_NOW)))),
      'ALGORITHM_NOT_ALLOWED',
    );
  });

  it('refuses to build a JWKS verifier that allows HS* or none, and any half-configured verifier', () => {
    expect(() =>
      createSessionVerifier(jwksSessionConfig(server.url, { algorithms: ['RS256', 'HS256'] })),
    ).toThrow(TypeError);
    expect(() => createSessionVerifier(jwksSessionConfig(server.url, { algorithms: ['none'] }))).toThrow(
      TypeError,
    );
    expect(() => createSessionVerifier(jwksSessionConfig(server.url, { algorithms: [] }))).toThrow(TypeError);
    expect(() => createSessionVerifier(hsSessionConfig({ algorithms: ['HS256', 'RS256'] }))).toThrow(
      TypeError,
    );
    expect(() => createSessionVerifier(hsSessionConfig({ jwksUrl: server.url }))).toThrow(TypeError);
    const { hs256Secret: _none, ...neither } = hsSessionConfig();
    expect(() => createSessionVerifier(neither)).toThrow(TypeError);
  });

  it('answers KEYS_UNAVAILABLE (SESSION_KEYS_UNAVAILABLE) when the key endpoint fails, and recovers', async () => {
    const verifier = fresh();
    const token = bearer(await keyToken(rsa, claimsAt(TEST_NOW)));
    for (const mode of ['fail', 'garbage', 'hang'] as const) {
      server.setMode(mode);
      const error = await expectReason(verifier.verify(token), 'KEYS_UNAVAILABLE');
      expect(error.code).toBe('SESSION_KEYS_UNAVAILABLE');
      expect(error.cause).toBeDefined();
    }
    // A failed fetch is not cached: the next request tries again.
    server.setMode('ok');
    await expect(verifier.verify(token)).resolves.toEqual({ sessionExpiresAt: SESSION_END, userId: 'alice' });
  });

  it('answers KEYS_UNAVAILABLE when nothing listens at the JWKS URL', async () => {
    const down = await startJwksServer({ keys: [] });
    const url = down.url;
    await down.close();
    const verifier = createSessionVerifier(jwksSessionConfig(url), { now, jwksTimeoutMs: 300 });
    await expectReason(verifier.verify(bearer(await keyToken(rsa, claimsAt(TEST_NOW)))), 'KEYS_UNAVAILABLE');
  });

  it('answers KEYS_UNAVAILABLE when the key set is not a JWKS', async () => {
    const verifier = fresh();
    server.setKeys([{ kty: 'RSA', kid: 'rsa-1', alg: 'RS256', n: 'AQAB', e: 'AQAB', d: 'private' }]);
    try {
      await expectReason(
        verifier.verify(bearer(await keyToken(rsa, claimsAt(TEST_NOW)))),
        'KEYS_UNAVAILABLE',
      );
    } finally {
      server.setKeys([rsa.publicJwk, ec.publicJwk]);
    }
  });

  it('still checks iss, aud and exp on JWKS tokens', async () => {
    const verifier = fresh();
    await expectReason(
      verifier.verify(bearer(await keyToken(rsa, claimsAt(TEST_NOW, { iss: 'x' })))),
      'CLAIM_INVALID',
      'iss',
    );
    await expectReason(
      verifier.verify(bearer(await keyToken(ec, claimsAt(TEST_NOW, { aud: 'x' })))),
      'CLAIM_INVALID',
      'aud',
    );
    await expectReason(
      verifier.verify(bearer(await keyToken(rsa, claimsAt(TEST_NOW, { exp: TEST_NOW - 60 })))),
      'TOKEN_EXPIRED',
    );
  });

  it('uses an injected fetch when one is given', async () => {
    let calls = 0;
    const verifier = fresh(
      { jwksUrl: 'https://id.example.test/jwks.json' },
      {
        fetch: async () => {
          calls += 1;
          return new Response(JSON.stringify({ keys: [ec.publicJwk] }), { status: 200 });
        },
      },
    );
    await expect(verifier.verify(bearer(await keyToken(ec, claimsAt(TEST_NOW))))).resolves.toEqual({
      sessionExpiresAt: SESSION_END,
      userId: 'alice',
    });
    expect(calls).toBe(1);
  });

  it('never verifies random input and only ever rejects with SessionError (property)', async () => {
    const verifier = fresh();
    const segment = fc.stringMatching(/^[A-Za-z0-9_-]{0,60}$/);
    const json = fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value)).toString('base64url'));
    const header = fc
      .record({
        alg: fc.constantFrom('RS256', 'ES256', 'HS256', 'none', 'PS256', 'EdDSA'),
        kid: fc.constantFrom('rsa-1', 'ec-1', 'x'),
      })
      .map((h) => Buffer.from(JSON.stringify(h)).toString('base64url'));
    const headerValue = fc.oneof(
      fc.string(),
      fc.string().map((s) => `Bearer ${s}`),
      fc.tuple(segment, segment, segment).map((parts) => `Bearer ${parts.join('.')}`),
      fc.tuple(json, json, segment).map((parts) => `Bearer ${parts.join('.')}`),
      fc.tuple(header, json, segment).map((parts) => `Bearer ${parts.join('.')}`),
    );
    await fc.assert(
      fc.asyncProperty(headerValue, async (value) => {
        const error = await rejectionOf(verifier.verify(value));
        expect(error.reason).not.toBe('KEYS_UNAVAILABLE');
      }),
      { numRuns: 300 },
    );
  });
});

describe('createSessionVerifier (properties, HS256)', () => {
  const verifier: SessionVerifier = createSessionVerifier(hsSessionConfig(), { now });
  const userId = fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/);

  it('binds the principal to exactly the user named by the token', async () => {
    await fc.assert(
      fc.asyncProperty(userId, async (sub) => {
        const principal = await verifier.verify(bearer(await hsToken(claimsAt(TEST_NOW, { sub }))));
        expect(principal.userId).toBe(sub);
      }),
      { numRuns: 100 },
    );
  });

  it('never verifies a token signed with another secret, whatever its claims', async () => {
    const secret = fc.string({ minLength: 1, maxLength: 64 }).filter((s) => s !== TEST_HS_SECRET);
    await fc.assert(
      fc.asyncProperty(secret, userId, async (other, sub) => {
        const token = handMadeToken({ alg: 'HS256' }, claimsAt(TEST_NOW, { sub }), other);
        await expectReason(verifier.verify(bearer(token)), 'TOKEN_INVALID');
      }),
      { numRuns: 100 },
    );
  });

  it('only ever rejects arbitrary strings with SessionError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.string({ unit: 'binary' })), async (value) => {
        await rejectionOf(verifier.verify(value));
        await rejectionOf(verifier.verify(`Bearer ${value}`));
      }),
      { numRuns: 300 },
    );
  });
});

describe('createSessionVerifier: identity-provider settings', () => {
  it('maps a UUID subject (Cognito) to its compact form with SESSION_USER_ID_MAPPING=uuid', async () => {
    const verifier = createSessionVerifier(hsSessionConfig({ userIdMapping: 'uuid' }), { now });
    const sub = '3F2504E0-4F89-11D3-9A0C-0305E82C3301';
    const token = await hsToken(claimsAt(TEST_NOW, { sub }));
    await expect(verifier.verify(bearer(token))).resolves.toEqual({
      userId: '3f2504e04f8911d39a0c0305e82c3301',
      sessionExpiresAt: SESSION_END,
    });
    await expectReason(verifyWith(verifier, { sub: 'alice' }), 'USER_ID_UNMAPPABLE', 'sub');
  });

  it('maps any subject (Auth0) to a digest with SESSION_USER_ID_MAPPING=digest', async () => {
    const verifier = createSessionVerifier(hsSessionConfig({ userIdMapping: 'digest' }), { now });
    const first = await verifyWith(verifier, { sub: 'auth0|64f1c2d3e4b5a6' });
    const again = await verifyWith(verifier, { sub: 'auth0|64f1c2d3e4b5a6' });
    const other = await verifyWith(verifier, { sub: 'auth0|64f1c2d3e4b5a7' });
    expect(first.userId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(again.userId).toBe(first.userId);
    expect(other.userId).not.toBe(first.userId);
  });

  it('checks the audience against client_id (Cognito access tokens) when configured', async () => {
    const verifier = createSessionVerifier(hsSessionConfig({ audienceClaim: 'client_id' }), { now });
    const accessToken = { aud: undefined, client_id: 'token-issuer', token_use: 'access' };
    await expect(verifyWith(verifier, accessToken)).resolves.toMatchObject({ userId: 'alice' });
    await expectReason(
      verifyWith(verifier, { ...accessToken, client_id: 'other-app' }),
      'CLAIM_INVALID',
      'client_id',
    );
    // An ID token (aud, no client_id) is not an access token.
    await expectReason(verifyWith(verifier, {}), 'CLAIM_INVALID', 'client_id');
  });

  it('reads the HS256 secret from Secrets Manager through the injected reader, and fails closed with 503', async () => {
    const { hs256Secret: _, ...rest } = hsSessionConfig();
    let reads = 0;
    let available = true;
    const verifier = createSessionVerifier(
      { ...rest, hs256SecretId: 'prod/session' },
      {
        now,
        hs256Secret: async () => {
          reads += 1;
          if (!available) throw new Error('store down');
          return TEST_HS_SECRET;
        },
      },
    );
    await verifier.warm();
    // warm() read the secret (and primed the verification with it) before any request.
    expect(reads).toBeGreaterThan(0);
    await expect(verifyWith(verifier, {})).resolves.toMatchObject({ userId: 'alice' });
    available = false;
    const error = await expectReason(verifyWith(verifier, {}), 'KEYS_UNAVAILABLE');
    expect(error.code).toBe('SESSION_KEYS_UNAVAILABLE');
    // warm() never rejects: INIT must not fail because of it.
    await expect(verifier.warm()).resolves.toBeUndefined();
    expect(() => createSessionVerifier({ ...rest, hs256SecretId: 'prod/session' })).toThrow(TypeError);
  });

  it('fetches the JWKS in warm(), so the first request needs no fetch of its own', async () => {
    const key = await createSigningKey('ES256', 'kid-warm');
    const server = await startJwksServer({ keys: [key.publicJwk] });
    try {
      const verifier = createSessionVerifier(jwksSessionConfig(server.url), { now });
      await verifier.warm();
      expect(server.requests).toBe(1);
      await expect(verifier.verify(bearer(await keyToken(key, claimsAt(TEST_NOW))))).resolves.toMatchObject({
        userId: 'alice',
      });
      expect(server.requests).toBe(1);
      server.setMode('fail');
      await expect(
        createSessionVerifier(jwksSessionConfig(server.url), { now }).warm(),
      ).resolves.toBeUndefined();
    } finally {
      await server.close();
    }
  });
});

function verifyWith(verifier: SessionVerifier, overrides: Record<string, unknown>) {
  return hsToken(claimsAt(TEST_NOW, overrides)).then((token) => verifier.verify(bearer(token)));
}
