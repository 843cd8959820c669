import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PolicyError } from '../../lib/policy/PolicyError';
import { scopeCosKey } from '../../lib/policy/scopeCosKey';
import { expectPolicyError } from './expectPolicyError';

const keyPrefix = 'users/{userId}/';
const scope = (key: string, userId = 'alice') => scopeCosKey({ userId, key, keyPrefix });

describe('scopeCosKey', () => {
  it("returns '/' + key for a key below the caller's prefix", () => {
    expect(scope('users/alice/a.txt')).toBe('/users/alice/a.txt');
    expect(scope('users/alice/photos/2024/猫 1.jpg')).toBe('/users/alice/photos/2024/猫 1.jpg');
    expect(scope('users/alice/dir/')).toBe('/users/alice/dir/');
    expect(scope("users/alice/it's (1)*!+=&?#.txt")).toBe("/users/alice/it's (1)*!+=&?#.txt");
  });

  it('allows dots that are not whole segments', () => {
    expect(scope('users/alice/...')).toBe('/users/alice/...');
    expect(scope('users/alice/.hidden')).toBe('/users/alice/.hidden');
    expect(scope('users/alice/a..b/c.')).toBe('/users/alice/a..b/c.');
  });

  it('substitutes every {userId} of the configured prefix', () => {
    expect(
      scopeCosKey({
        userId: 'bob',
        key: 'tenants/bob/files/bob/x',
        keyPrefix: 'tenants/{userId}/files/{userId}/',
      }),
    ).toBe('/tenants/bob/files/bob/x');
  });

  it.each([
    ['the prefix only', 'users/alice/'],
    ['a longer user id sharing the prefix', 'users/alicex/a'],
    ["another user's key", 'users/bob/a'],
    ['a key outside users/', 'public/a.txt'],
    ['a different case', 'Users/alice/a'],
    ['the prefix without its slash', 'users/alice'],
  ])('refuses %s with KEY_OUTSIDE_PREFIX', (_, key) => {
    expectPolicyError(() => scope(key), 'KEY_OUTSIDE_PREFIX');
  });

  it.each([
    ['an empty key', ''],
    ['a ".." segment', 'users/alice/../bob/a'],
    ['a "." segment', 'users/alice/./a'],
    ['a trailing ".." segment', 'users/alice/a/..'],
    ['a trailing "." segment', 'users/alice/a/.'],
    ['"//"', 'users/alice//a'],
    ['a percent-encoded traversal', 'users/alice/%2e%2e/a'],
    ['any "%"', 'users/alice/100%.txt'],
    ['a backslash', 'users/alice/a\\b'],
    ['a backslash traversal', 'users/alice/..\\..\\bob\\a'],
    ['a leading "/"', '/users/alice/a'],
    ['a NUL', 'users/alice/a\u0000b'],
    ['a newline', 'users/alice/a\nb'],
    ['a carriage return', 'users/alice/a\rb'],
    ['a tab', 'users/alice/a\tb'],
    ['DEL', 'users/alice/a\u007fb'],
    ['a C1 control', 'users/alice/a\u0085b'],
    ['a lone high surrogate', 'users/alice/a\uD800b'],
    ['a lone low surrogate', 'users/alice/\uDC00'],
    ['NFD "é" (e + combining acute)', 'users/alice/cafe\u0301.txt'],
    ['NFD Hangul', 'users/alice/\u1100\u1161'],
    ['a non-NFC singleton (Ohm sign)', 'users/alice/\u2126'],
    ['851 bytes', `users/alice/${'a'.repeat(851 - 'users/alice/'.length)}`],
    ['851 bytes of multi-byte text', `users/alice/${'猫'.repeat(280)}`],
  ])('refuses %s with INVALID_KEY', (_, key) => {
    expectPolicyError(() => scope(key), 'INVALID_KEY');
  });

  it('accepts 850 bytes exactly, and the NFC form of a refused NFD key', () => {
    const key = `users/alice/${'a'.repeat(850 - 'users/alice/'.length)}`;
    expect(Buffer.byteLength(key)).toBe(850);
    expect(scope(key)).toBe(`/${key}`);
    expect(scope('users/alice/caf\u00e9.txt')).toBe('/users/alice/café.txt');
  });

  it('checks the key shape before the prefix (a traversal is malformed wherever it points)', () => {
    expectPolicyError(() => scope('users/bob/../alice/a'), 'INVALID_KEY');
  });

  it('never echoes the key in its message', () => {
    const error = expectPolicyError(() => scope('users/bob/secret-plan.txt'), 'KEY_OUTSIDE_PREFIX');
    expect(error.message).not.toContain('bob');
    expect(error.message).not.toContain('secret-plan');
  });

  it('throws TypeError for an invalid user id or prefix (bugs, not requests)', () => {
    for (const userId of ['', '..', 'a/b', 'a b', 'x'.repeat(33)]) {
      expect(() => scope(`users/${userId}/a`, userId)).toThrow(TypeError);
    }
    for (const prefix of ['users/', 'users/{userId}', '/users/{userId}/']) {
      expect(() => scopeCosKey({ userId: 'alice', key: 'users/alice/a', keyPrefix: prefix })).toThrow(
        TypeError,
      );
    }
  });

  it('either refuses or returns a path under /users/<principal>/ without "." or ".." segments', () => {
    const userId = fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/),
      fc.constantFrom('alice', 'bob', 'alicex', 'ali', '..', '.', 'a/b', ''),
      fc.string({ maxLength: 34 }),
    );
    const interesting = fc.constantFrom(
      '/',
      '//',
      '.',
      '..',
      '\\',
      '%',
      '%2e',
      '%2F',
      'users',
      'alice',
      'bob',
      '\u0301',
      'é',
      '\uD800',
      '\u0000',
      '\n',
      ' ',
      '猫',
      '😀',
    );
    const unit = fc.oneof(
      { weight: 3, arbitrary: interesting },
      { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 4 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 2 }) },
    );
    const rest = fc.array(unit, { maxLength: 12 }).map((parts) => parts.join(''));
    const principal = fc.constantFrom('alice', 'bob');
    // Half the keys start with some user's prefix, so the accepting branch is exercised too.
    const key = fc.oneof(
      fc.tuple(fc.oneof(principal, userId), rest).map(([owner, tail]) => `users/${owner}/${tail}`),
      rest,
    );
    let accepted = 0;
    fc.assert(
      fc.property(userId, key, (id, k) => {
        let path: string;
        try {
          path = scopeCosKey({ userId: id, key: k, keyPrefix });
        } catch (error) {
          if (error instanceof PolicyError) {
            expect(['INVALID_KEY', 'KEY_OUTSIDE_PREFIX']).toContain(error.code);
          } else {
            expect(error).toBeInstanceOf(TypeError);
          }
          return;
        }
        accepted++;
        expect(path.startsWith(`/users/${id}/`)).toBe(true);
        expect(path.length).toBeGreaterThan(`/users/${id}/`.length);
        const segments = path.slice(1).split('/');
        expect(segments).not.toContain('.');
        expect(segments).not.toContain('..');
        expect(segments.slice(0, -1)).not.toContain('');
        expect(path).not.toMatch(/[%\\\p{Cc}]/u);
        expect(path.isWellFormed()).toBe(true);
        expect(path.normalize('NFC')).toBe(path);
      }),
      { numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(0);
  });
});
