import { describe, expect, it } from 'vitest';
import {
  authorizerContext,
  lambdaAuthorizerContext,
  principalFromAuthorizerContext,
  SessionError,
  type SessionErrorReason,
} from '../../lib/session';

const withContext = (lambda: unknown) => ({ requestContext: { requestId: 'r-1', authorizer: { lambda } } });

function reasonOf(run: () => unknown): SessionErrorReason {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(SessionError);
    return (error as SessionError).reason;
  }
  throw new Error('expected a SessionError');
}

describe('principalFromAuthorizerContext', () => {
  it('returns the principal of a successful authorizer context', () => {
    expect(
      principalFromAuthorizerContext(withContext({ userId: 'alice', sessionExpiresAt: 1700000600 })),
    ).toEqual({ userId: 'alice', sessionExpiresAt: 1700000600 });
    expect(
      principalFromAuthorizerContext(
        withContext({ userId: 'bob', role: 'anchor', sessionExpiresAt: '1700000600' }),
      ),
    ).toEqual({ userId: 'bob', role: 'anchor', sessionExpiresAt: 1700000600 });
  });

  it('refuses a context without a usable session expiry (it could be served from the cache forever)', () => {
    for (const sessionExpiresAt of [undefined, null, '', 'soon', '1e9', true, 1.5, [1700000600], -1.5]) {
      expect(
        reasonOf(() => principalFromAuthorizerContext(withContext({ userId: 'alice', sessionExpiresAt }))),
      ).toBe('TOKEN_INVALID');
    }
  });

  it('round-trips what authorizerContext builds', () => {
    for (const principal of [
      { userId: 'alice', sessionExpiresAt: 1700000600 },
      { userId: 'a-b_C9', role: 'audience', sessionExpiresAt: 1 },
    ]) {
      expect(principalFromAuthorizerContext(withContext(authorizerContext(principal)))).toEqual(principal);
    }
    for (const reason of ['TOKEN_EXPIRED', 'KEYS_UNAVAILABLE'] as const) {
      const context = authorizerContext(new SessionError(reason));
      expect(context).toEqual({ authFailure: reason });
      expect(reasonOf(() => principalFromAuthorizerContext(withContext(context)))).toBe(reason);
    }
  });

  it('reads the selected claims from their JSON text, and round-trips them', () => {
    const claims = { trtc_rooms: [1234, 'lobby'], org: { id: 7 } };
    const context = { userId: 'alice', sessionExpiresAt: 1700000600, claims: JSON.stringify(claims) };
    expect(principalFromAuthorizerContext(withContext(context))).toEqual({
      userId: 'alice',
      sessionExpiresAt: 1700000600,
      claims,
    });
    const principal = {
      userId: 'bob',
      role: 'anchor',
      sessionExpiresAt: 1700000600,
      claims: { trtc_rooms: { 'class-42': 'anchor' } },
    };
    expect(principalFromAuthorizerContext(withContext(authorizerContext(principal)))).toEqual(principal);
    expect(authorizerContext(principal)).toEqual({
      userId: 'bob',
      role: 'anchor',
      sessionExpiresAt: 1700000600,
      claims: '{"trtc_rooms":{"class-42":"anchor"}}',
    });
  });

  it('refuses a context whose claims are not the JSON text of an object (fail closed: 401)', () => {
    for (const claims of ['{', '[]', '"x"', 'null', '7', '', 42, { trtc_rooms: [] }, null]) {
      const context = { userId: 'alice', sessionExpiresAt: 1700000600, claims };
      expect(reasonOf(() => principalFromAuthorizerContext(withContext(context)))).toBe('CLAIM_INVALID');
    }
  });

  it('throws the authorizer failure reason, with the matching code', () => {
    const error = (() => {
      try {
        principalFromAuthorizerContext(withContext({ authFailure: 'KEYS_UNAVAILABLE' }));
      } catch (e) {
        return e as SessionError;
      }
      throw new Error('expected a SessionError');
    })();
    expect(error.reason).toBe('KEYS_UNAVAILABLE');
    expect(error.code).toBe('SESSION_KEYS_UNAVAILABLE');
    expect(
      reasonOf(() => principalFromAuthorizerContext(withContext({ authFailure: 'TOKEN_MISSING' }))),
    ).toBe('TOKEN_MISSING');
  });

  it('lets a failure win over a user id in the same context', () => {
    expect(
      reasonOf(() =>
        principalFromAuthorizerContext(withContext({ userId: 'alice', authFailure: 'TOKEN_EXPIRED' })),
      ),
    ).toBe('TOKEN_EXPIRED');
  });

  it('treats an unknown failure value as TOKEN_INVALID', () => {
    for (const authFailure of ['SOMETHING_NEW', '', 0, false, null, {}]) {
      expect(
        reasonOf(() => principalFromAuthorizerContext(withContext({ userId: 'alice', authFailure }))),
      ).toBe('TOKEN_INVALID');
    }
  });

  it('throws NO_AUTHORIZER_CONTEXT without a usable Lambda authorizer context', () => {
    for (const event of [
      {},
      { requestContext: undefined },
      { requestContext: null },
      { requestContext: {} },
      { requestContext: { authorizer: null } },
      { requestContext: { authorizer: {} } },
      { requestContext: { authorizer: { jwt: { claims: { sub: 'alice' } } } } },
      withContext(null),
      withContext('alice'),
      withContext(['alice']),
      withContext({}),
      withContext({ principalId: 'alice' }),
    ]) {
      expect(reasonOf(() => principalFromAuthorizerContext(event))).toBe('NO_AUTHORIZER_CONTEXT');
    }
  });

  it('re-checks the user id against the Tencent rule', () => {
    for (const userId of ['', 'x'.repeat(33), 'alice smith', 'alïce', 42, null, ['alice']]) {
      expect(reasonOf(() => principalFromAuthorizerContext(withContext({ userId })))).toBe('USER_ID_INVALID');
    }
  });

  it('re-checks the role', () => {
    for (const role of ['', 'anchor admin', 'r'.repeat(33), 1, null]) {
      expect(
        reasonOf(() =>
          principalFromAuthorizerContext(withContext({ userId: 'alice', role, sessionExpiresAt: 1 })),
        ),
      ).toBe('CLAIM_INVALID');
    }
  });
});

describe('lambdaAuthorizerContext', () => {
  it('returns the lambda context object or undefined', () => {
    expect(lambdaAuthorizerContext(withContext({ userId: 'a' }))).toEqual({ userId: 'a' });
    expect(lambdaAuthorizerContext({ requestContext: { authorizer: { lambda: 'x' } } })).toBeUndefined();
    expect(lambdaAuthorizerContext({})).toBeUndefined();
  });
});
