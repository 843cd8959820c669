import { describe, expect, it } from 'vitest';
import { resolveExpiry } from '../../lib/policy/resolveExpiry';
import { expectPolicyError } from './expectPolicyError';

const policy = { defaultSeconds: 7200, maxSeconds: 86_400 };

describe('resolveExpiry', () => {
  it('uses the default when no expiry is requested', () => {
    expect(resolveExpiry(undefined, policy)).toBe(7200);
  });

  it('accepts whole numbers from 1 to the maximum, inclusive', () => {
    expect(resolveExpiry(1, policy)).toBe(1);
    expect(resolveExpiry(600, policy)).toBe(600);
    expect(resolveExpiry(86_400, policy)).toBe(86_400);
  });

  it('refuses one second above the maximum instead of clamping', () => {
    const error = expectPolicyError(() => resolveExpiry(86_401, policy), 'EXPIRE_TOO_LONG');
    expect(error.message).toContain('86400');
    expectPolicyError(() => resolveExpiry(Number.MAX_SAFE_INTEGER, policy), 'EXPIRE_TOO_LONG');
  });

  it.each([
    0,
    -1,
    -86_400,
    0.5,
    1.5,
    86_400.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -0,
  ])('refuses %s as an invalid expiry', (requested) => {
    expectPolicyError(() => resolveExpiry(requested, policy), 'INVALID_EXPIRE');
  });

  it('treats a non-number as a programming error', () => {
    expect(() => resolveExpiry('300' as unknown as number, policy)).toThrow(TypeError);
  });
});
