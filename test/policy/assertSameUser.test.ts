import { describe, expect, it } from 'vitest';
import { assertSameUser, requireTencentUserId } from '../../lib/policy/assertSameUser';
import type { Principal } from '../../lib/session/Principal';
import { expectPolicyError } from './expectPolicyError';

const alice: Principal = { userId: 'alice' };

describe('assertSameUser', () => {
  it('accepts a body that names no user', () => {
    expect(() => assertSameUser(alice, undefined)).not.toThrow();
  });

  it('accepts a body that names the signed-in user', () => {
    expect(() => assertSameUser(alice, 'alice')).not.toThrow();
  });

  it.each([
    'bob',
    'Alice',
    'alice ',
    '',
    null,
    0,
    ['alice'],
    { userId: 'alice' },
  ])('refuses a body naming another user (%j)', (requested) => {
    const error = expectPolicyError(() => assertSameUser(alice, requested), 'USER_MISMATCH');
    expect(error.message).not.toContain('bob');
  });

  it('refuses to work for a principal outside Tencent user id rules (a bug upstream)', () => {
    for (const userId of ['', 'a/b', '../x', 'x'.repeat(33), 'ali ce', 'élise']) {
      expect(() => assertSameUser({ userId }, undefined)).toThrow(TypeError);
    }
  });
});

describe('requireTencentUserId', () => {
  it('returns an id of 1..32 [A-Za-z0-9_-]', () => {
    expect(requireTencentUserId({ userId: 'a' })).toBe('a');
    expect(requireTencentUserId({ userId: `A_-9${'x'.repeat(28)}` })).toHaveLength(32);
  });

  it('throws TypeError for anything else', () => {
    expect(() => requireTencentUserId(null as unknown as Principal)).toThrow(TypeError);
    expect(() => requireTencentUserId({ userId: 42 } as unknown as Principal)).toThrow(TypeError);
  });
});
