import { describe, expect, it } from 'vitest';
import { isSessionErrorReason, SESSION_ERROR_REASONS, SessionError } from '../../lib/session';

describe('SessionError', () => {
  it('is UNAUTHENTICATED for every reason except KEYS_UNAVAILABLE and USER_ID_UNMAPPABLE', () => {
    const special: Record<string, string> = {
      KEYS_UNAVAILABLE: 'SESSION_KEYS_UNAVAILABLE',
      USER_ID_UNMAPPABLE: 'USER_ID_UNMAPPABLE',
    };
    for (const reason of SESSION_ERROR_REASONS) {
      const error = new SessionError(reason);
      expect(error.code).toBe(special[reason] ?? 'UNAUTHENTICATED');
      expect(error.reason).toBe(reason);
      expect(error.name).toBe('SessionError');
      expect(error).toBeInstanceOf(Error);
    }
  });

  it('has a fixed, non-empty message per reason, whatever the cause says', () => {
    const cause = new Error('Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.sig');
    const error = new SessionError('TOKEN_INVALID', { cause, claim: 'sub' });
    expect(error.message).toBe('session token signature is not valid');
    expect(error.cause).toBe(cause);
    expect(error.claim).toBe('sub');
    expect(new SessionError('TOKEN_EXPIRED').message).toBe('session token expired');
    expect(new Set(SESSION_ERROR_REASONS.map((r) => new SessionError(r).message)).size).toBe(
      SESSION_ERROR_REASONS.length,
    );
  });

  it('omits claim and cause when not given', () => {
    const error = new SessionError('TOKEN_MISSING');
    expect(error).not.toHaveProperty('claim');
    expect('cause' in error).toBe(false);
  });

  it('lists exactly the eleven reasons', () => {
    expect([...SESSION_ERROR_REASONS].sort()).toEqual(
      [
        'TOKEN_MISSING',
        'TOKEN_MALFORMED',
        'TOKEN_INVALID',
        'ALGORITHM_NOT_ALLOWED',
        'TOKEN_EXPIRED',
        'TOKEN_NOT_YET_VALID',
        'CLAIM_INVALID',
        'USER_ID_INVALID',
        'USER_ID_UNMAPPABLE',
        'KEYS_UNAVAILABLE',
        'NO_AUTHORIZER_CONTEXT',
      ].sort(),
    );
  });

  it('recognises reasons and nothing else', () => {
    expect(isSessionErrorReason('TOKEN_EXPIRED')).toBe(true);
    for (const value of ['token_expired', 'toString', '__proto__', '', 1, null, undefined, {}]) {
      expect(isSessionErrorReason(value)).toBe(false);
    }
  });
});
