import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../lib/config';
import { HttpError } from '../../lib/http/HttpError';
import { PolicyError } from '../../lib/policy/PolicyError';
import type { Principal } from '../../lib/session/Principal';
import { decodeUserSig, verifyUserSig, verifyUserSigV1 } from '../../lib/sign';
import { issueUserSig } from '../../lib/tokens/issueUserSig';
import { parseUserSigRequest } from '../../lib/tokens/userSigRequest';
import { expectPolicyError } from '../policy/expectPolicyError';
import { OfficialTlsSigApiV1, OfficialTlsSigApiV2 } from '../support/officialTlsSigApi';
import { v1KeyPair } from '../support/v1Keys';
import { config, NOW, trtcSecret } from './fixtures';

const alice: Principal = { userId: 'alice' };
const issue = (body: unknown, principal: Principal = alice, now = NOW) =>
  issueUserSig({ principal, request: parseUserSigRequest(body), secret: trtcSecret, config, now });

describe('issueUserSig', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('issues a userSig for the principal with the default lifetime', () => {
    const response = issue({});
    expect(response).toEqual({
      version: 2,
      sdkAppId: 1400000000,
      userId: 'alice',
      userSig: expect.any(String),
      expiresAt: NOW + 7200,
      serverTime: NOW,
      refreshAfter: NOW + 5760,
    });
    const claims = verifyUserSig({ ...trtcSecret, userId: 'alice', userSig: response.userSig, now: NOW });
    expect(claims).toMatchObject({
      version: 2,
      userId: 'alice',
      sdkAppId: 1400000000,
      time: NOW,
      expire: 7200,
    });
    expect(claims.expiresAt).toBe(response.expiresAt);
  });

  it('equals the official tls-sig-api-v2 userSig for the same clock', () => {
    for (const [userId, expire] of [
      ['alice', 86_400],
      ['user_01-X', 1],
      ['x'.repeat(32), 3600],
    ] as const) {
      const ours = issue({ expire }, { userId }).userSig;
      // The official library reads Date.now() itself; pin it a fraction into the same second.
      vi.spyOn(Date, 'now').mockReturnValue(NOW * 1000 + 345);
      const official = new OfficialTlsSigApiV2(trtcSecret.sdkAppId, trtcSecret.secretKey).genUserSig(
        userId,
        expire,
      );
      vi.restoreAllMocks();
      expect(ours).toBe(official);
    }
  });

  it('honours a requested lifetime up to the cap, inclusive', () => {
    const response = issue({ expire: 86_400 });
    expect(response.expiresAt).toBe(NOW + 86_400);
    expect(decodeUserSig(response.userSig).expire).toBe(86_400);
  });

  it('refuses a lifetime above the cap and invalid lifetimes', () => {
    expectPolicyError(() => issue({ expire: 86_401 }), 'EXPIRE_TOO_LONG');
    expectPolicyError(() => issue({ expire: 0 }), 'INVALID_EXPIRE');
    expectPolicyError(() => issue({ expire: 10.5 }), 'INVALID_EXPIRE');
  });

  it('accepts a body naming the principal, refuses one naming another user', () => {
    expect(issue({ userId: 'alice' }).userId).toBe('alice');
    expectPolicyError(() => issue({ userId: 'bob' }), 'USER_MISMATCH');
  });

  it('checks the user before anything else', () => {
    expectPolicyError(() => issue({ userId: 'bob', expire: 10_000_000 }), 'USER_MISMATCH');
  });

  it('treats a malformed principal or clock as a bug, not as bad input', () => {
    expect(() => issue({}, { userId: 'a/b' })).toThrow(TypeError);
    expect(() => issue({}, alice, 1.5)).toThrow(TypeError);
  });

  it('never issues a token for anyone but the principal', () => {
    const userId = fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/);
    const body = fc.oneof(
      fc.record(
        {
          expire: fc.oneof(fc.integer({ min: -10, max: 200_000 }), fc.double(), fc.constant('60')),
          userId: fc.oneof(userId, fc.string(), fc.constant(null)),
        },
        { requiredKeys: [] },
      ),
      fc.anything(),
    );
    let issued = 0;
    fc.assert(
      fc.property(userId, body, fc.boolean(), (principalId, raw, echoPrincipal) => {
        const request =
          echoPrincipal && typeof raw === 'object' && raw !== null ? { ...raw, userId: principalId } : raw;
        let response: ReturnType<typeof issue>;
        try {
          response = issue(request, { userId: principalId });
        } catch (error) {
          expect(error instanceof PolicyError || error instanceof HttpError).toBe(true);
          return;
        }
        issued++;
        expect(response.userId).toBe(principalId);
        expect(decodeUserSig(response.userSig).userId).toBe(principalId);
        // Issued only when the body named nobody or the principal itself.
        expect([undefined, principalId]).toContain((request as { userId?: unknown }).userId);
      }),
      { numRuns: 500 },
    );
    expect(issued).toBeGreaterThan(25);
  });
});

describe('issueUserSig with v1 tickets (TRTC_TICKET_VERSION=1)', () => {
  const keys = v1KeyPair();
  const v1Config = loadConfig({ TRTC_TICKET_VERSION: '1' });
  const v1Secret = { ...trtcSecret, privateKeyPem: keys.privateKeyPem };
  const issueV1 = (body: unknown) =>
    issueUserSig({
      principal: alice,
      request: parseUserSigRequest(body),
      secret: v1Secret,
      config: v1Config,
      now: NOW,
    });

  it('issues an ECDSA ticket that lib/sign and the official tls-sig-api verify with the public key', () => {
    const response = issueV1({ expire: 600 });
    expect(response).toMatchObject({ version: 1, userId: 'alice', expiresAt: NOW + 600, serverTime: NOW });
    expect(
      verifyUserSigV1({
        sdkAppId: trtcSecret.sdkAppId,
        publicKeyPem: keys.publicKeyPem,
        userId: 'alice',
        userSig: response.userSig,
        now: NOW,
      }),
    ).toMatchObject({ version: 1, expiresAt: NOW + 600 });
    const official = new OfficialTlsSigApiV1({
      sdk_appid: trtcSecret.sdkAppId,
      expire_after: 600,
      private_key_string: keys.privateKeyPem,
      public_key_string: keys.publicKeyPem,
    });
    expect(official.verifySig(response.userSig, 'alice')).toBe(true);
    expect(official.verifySig(response.userSig, 'bob')).toBe(false);
    // Not signed with the v2 key: a v2 verifier refuses it.
    expect(() =>
      verifyUserSig({ ...trtcSecret, userId: 'alice', userSig: response.userSig, now: NOW }),
    ).toThrow();
  });

  it('treats a v1 configuration without a key as a wiring bug (the secret schema requires one)', () => {
    expect(() =>
      issueUserSig({ principal: alice, request: {}, secret: trtcSecret, config: v1Config, now: NOW }),
    ).toThrow(TypeError);
  });

  it('issues v2 tickets when v1 is not selected, even with a key in the secret', () => {
    const response = issueUserSig({ principal: alice, request: {}, secret: v1Secret, config, now: NOW });
    expect(response.version).toBe(2);
    expect(
      verifyUserSig({ ...trtcSecret, userId: 'alice', userSig: response.userSig, now: NOW }).version,
    ).toBe(2);
  });
});
