import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HttpError } from '../../lib/http/HttpError';
import { PolicyError } from '../../lib/policy/PolicyError';
import type { Principal } from '../../lib/session/Principal';
import { decodeUserSig, verifyUserSig } from '../../lib/sign';
import { issueUserSig } from '../../lib/tokens/issueUserSig';
import { parseUserSigRequest } from '../../lib/tokens/userSigRequest';
import { expectPolicyError } from '../policy/expectPolicyError';
import { OfficialTlsSigApiV2 } from '../support/officialTlsSigApi';
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
