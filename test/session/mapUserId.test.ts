import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TENCENT_USER_ID } from '../../lib/session';
import { mapUserId } from '../../lib/session/mapUserId';

describe('mapUserId', () => {
  it('exact: keeps a Tencent user id, refuses anything else unaltered', () => {
    expect(mapUserId('exact', 'alice_01')).toBe('alice_01');
    for (const subject of ['auth0|64f1', ' alice', 'x'.repeat(33), '', 'alïce', 42, null]) {
      expect(mapUserId('exact', subject)).toBeUndefined();
    }
  });

  it('uuid: 32 lower-case hex digits, the same user whatever the case of the UUID', () => {
    expect(mapUserId('uuid', 'd4a1c2e0-7b3f-4e2a-9c8d-1f0e2d3c4b5a')).toBe(
      'd4a1c2e07b3f4e2a9c8d1f0e2d3c4b5a',
    );
    expect(mapUserId('uuid', 'D4A1C2E0-7B3F-4E2A-9C8D-1F0E2D3C4B5A')).toBe(
      'd4a1c2e07b3f4e2a9c8d1f0e2d3c4b5a',
    );
    for (const subject of [
      'd4a1c2e07b3f4e2a9c8d1f0e2d3c4b5a',
      'd4a1c2e0-7b3f-4e2a-9c8d-1f0e2d3c4b5',
      'alice',
    ]) {
      expect(mapUserId('uuid', subject)).toBeUndefined();
    }
  });

  it('digest: the first 32 base64url characters of SHA-256 over the UTF-8 subject', () => {
    const subject = 'auth0|64f1c2d3e4b5a6978877';
    const expected = createHash('sha256').update(subject).digest('base64url').slice(0, 32);
    expect(mapUserId('digest', subject)).toBe(expected);
    expect(mapUserId('digest', '用户 1')).toMatch(TENCENT_USER_ID);
    expect(mapUserId('digest', 'x'.repeat(1025))).toBeUndefined();
    expect(mapUserId('digest', '\ud800')).toBeUndefined();
    expect(mapUserId('digest', '')).toBeUndefined();
  });

  it('digest: deterministic, always a Tencent user id, and distinct for distinct subjects', () => {
    const seen = new Map<string, string>();
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 200 }), (subject) => {
        const id = mapUserId('digest', subject);
        expect(id).toMatch(TENCENT_USER_ID);
        expect(mapUserId('digest', subject)).toBe(id);
        const earlier = seen.get(id as string);
        if (earlier !== undefined) expect(earlier).toBe(subject);
        seen.set(id as string, subject);
      }),
      { numRuns: 2000 },
    );
  });

  it('uuid: two different UUIDs never map to one id', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.uuid(), (a, b) => {
        fc.pre(a.toLowerCase() !== b.toLowerCase());
        expect(mapUserId('uuid', a)).not.toBe(mapUserId('uuid', b));
      }),
    );
  });
});
