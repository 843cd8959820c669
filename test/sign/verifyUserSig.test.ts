import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUserSig, genPrivateMapKey, genUserSig, verifyUserSig } from '../../lib/sign';
import { expectSignError } from '../support/expectSignError';

const base = {
  sdkAppId: 1400000000,
  secretKey: 'test-secret-key-not-real-0123456789abcdef',
  userId: 'alice_01',
  expire: 3600,
  now: 1_700_000_000,
};
const userSig = genUserSig(base);
const verifyParams = { sdkAppId: base.sdkAppId, secretKey: base.secretKey, userId: base.userId, userSig };

/** Re-seals a JSON document the way the official libraries do, to forge tickets in tests. */
function seal(doc: unknown): string {
  return deflateSync(Buffer.from(JSON.stringify(doc)))
    .toString('base64')
    .replace(/\+/g, '*')
    .replace(/\//g, '-')
    .replace(/=/g, '_');
}

describe('verifyUserSig', () => {
  it('returns the claims of a ticket made by genUserSig', () => {
    expect(verifyUserSig({ ...verifyParams, now: base.now })).toEqual({
      version: 2,
      userId: base.userId,
      sdkAppId: base.sdkAppId,
      time: base.now,
      expire: base.expire,
      expiresAt: base.now + base.expire,
    });
  });

  it('round-trips random claims, userbufs and rooms', () => {
    fc.assert(
      fc.property(
        fc.record({
          sdkAppId: fc.integer({ min: 1, max: 0xffffffff }),
          userId: fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/),
          expire: fc.integer({ min: 0, max: 86_400 * 365 }),
          now: fc.integer({ min: 0, max: 0xffffffff - 86_400 * 365 }),
          secretKey: fc.string({ minLength: 1, maxLength: 80 }),
        }),
        fc.option(fc.uint8Array({ minLength: 1, maxLength: 200 }), { nil: undefined }),
        (claims, userBuf) => {
          const ticket = genUserSig({ ...claims, ...(userBuf ? { userBuf } : {}) });
          const verified = verifyUserSig({ ...claims, userSig: ticket, now: claims.now + claims.expire });
          expect(verified).toMatchObject({
            userId: claims.userId,
            sdkAppId: claims.sdkAppId,
            time: claims.now,
          });
          expect(verified.userBuf && Buffer.from(verified.userBuf)).toEqual(userBuf && Buffer.from(userBuf));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('decodes the room permission of a privateMapKey', () => {
    const key = genPrivateMapKey({ ...base, strRoomId: 'class-7', privilegeMap: 0xab });
    expect(verifyUserSig({ ...verifyParams, userSig: key, now: base.now }).privateMap).toEqual({
      strRoomId: 'class-7',
      privilegeMap: 0xab,
      expiresAt: base.now + base.expire,
    });
    const numeric = genPrivateMapKey({ ...base, roomId: 4_294_967_294, privilegeMap: 0xff });
    expect(verifyUserSig({ ...verifyParams, userSig: numeric, now: base.now }).privateMap).toEqual({
      roomId: 4_294_967_294,
      privilegeMap: 0xff,
      expiresAt: base.now + base.expire,
    });
  });

  it('accepts the last valid second and rejects the next one', () => {
    expect(verifyUserSig({ ...verifyParams, now: base.now + base.expire }).expiresAt).toBe(
      base.now + base.expire,
    );
    expectSignError(() => verifyUserSig({ ...verifyParams, now: base.now + base.expire + 1 }), 'ERR_EXPIRED');
  });

  it('tolerates clock skew up to the leeway, and no further', () => {
    const late = base.now + base.expire + 30;
    expect(verifyUserSig({ ...verifyParams, now: late, leeway: 30 }).userId).toBe(base.userId);
    expectSignError(() => verifyUserSig({ ...verifyParams, now: late + 1, leeway: 30 }), 'ERR_EXPIRED');
    expectSignError(() => verifyUserSig({ ...verifyParams, now: late, leeway: 86_401 }), 'ERR_INPUT');
    expect(() => verifyUserSig({ ...verifyParams, now: late, leeway: '30' as unknown as number })).toThrow(
      TypeError,
    );
  });

  it('rejects a wrong key as ERR_SIGNATURE', () => {
    expectSignError(
      () => verifyUserSig({ ...verifyParams, secretKey: `${base.secretKey}x`, now: base.now }),
      'ERR_SIGNATURE',
    );
  });

  it('rejects another user id or another SDKAppID as ERR_MISMATCH', () => {
    expectSignError(
      () => verifyUserSig({ ...verifyParams, userId: 'mallory', now: base.now }),
      'ERR_MISMATCH',
    );
    expectSignError(
      () => verifyUserSig({ ...verifyParams, sdkAppId: base.sdkAppId + 1, now: base.now }),
      'ERR_MISMATCH',
    );
  });

  it('rejects a ticket whose claims were edited after signing', () => {
    const doc = decodeUserSig(userSig).fields;
    for (const edit of [
      { 'TLS.expire': 999_999 },
      { 'TLS.time': base.now + 10 },
      { 'TLS.userbuf': 'AAAA' },
    ]) {
      const forged = seal({ ...doc, ...edit });
      expectSignError(
        () => verifyUserSig({ ...verifyParams, userSig: forged, now: base.now }),
        'ERR_SIGNATURE',
      );
    }
    // Re-labelling the ticket for another user fails the signature, not just the id check.
    const relabelled = seal({ ...doc, 'TLS.identifier': 'mallory' });
    expectSignError(
      () => verifyUserSig({ ...verifyParams, userId: 'mallory', userSig: relabelled, now: base.now }),
      'ERR_SIGNATURE',
    );
  });

  it('rejects every single flipped byte of the decoded ticket', () => {
    const raw = Buffer.from(userSig.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '='), 'base64');
    let accepted = 0;
    for (let i = 0; i < raw.length; i++) {
      const flipped = Buffer.from(raw);
      flipped[i] = (flipped[i] ?? 0) ^ 0x01;
      const ticket = flipped.toString('base64');
      try {
        verifyUserSig({ ...verifyParams, userSig: ticket, now: base.now });
        accepted++;
      } catch (error) {
        expect(['ERR_MALFORMED', 'ERR_SIGNATURE', 'ERR_MISMATCH']).toContain(
          (error as { code: string }).code,
        );
      }
    }
    expect(accepted).toBe(0);
  });

  it('rejects truncated and non-base64 tickets as ERR_MALFORMED', () => {
    for (const ticket of [userSig.slice(0, 20), userSig.slice(0, -8), 'not base64!', '', 'eJ$$', '====']) {
      expectSignError(
        () => verifyUserSig({ ...verifyParams, userSig: ticket, now: base.now }),
        'ERR_MALFORMED',
      );
    }
  });

  it('rejects a v2 ticket with missing or mistyped fields as ERR_MALFORMED', () => {
    const doc = decodeUserSig(userSig).fields;
    const { 'TLS.sig': _sig, ...unsigned } = doc;
    for (const bad of [
      unsigned,
      { ...doc, 'TLS.time': '1700000000' },
      { ...doc, 'TLS.expire': -1 },
      { ...doc, 'TLS.ver': '3.0' },
    ]) {
      expectSignError(
        () => verifyUserSig({ ...verifyParams, userSig: seal(bad), now: base.now }),
        'ERR_MALFORMED',
      );
    }
  });

  it('throws TypeError for arguments of the wrong type', () => {
    expect(() => verifyUserSig({ ...verifyParams, userSig: 42 as unknown as string, now: base.now })).toThrow(
      TypeError,
    );
    expect(() => verifyUserSig({ ...verifyParams, now: `${base.now}` as unknown as number })).toThrow(
      TypeError,
    );
    expect(() => verifyUserSig(null as unknown as Parameters<typeof verifyUserSig>[0])).toThrow(TypeError);
  });
});

describe('decodeUserSig', () => {
  it('never leaks a raw zlib, base64 or JSON error on garbage', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.base64String(),
          fc.uint8Array().map((b) => Buffer.from(b).toString('base64')),
        ),
        (junk) => {
          try {
            decodeUserSig(junk);
          } catch (error) {
            expect((error as { code?: string }).code).toBe('ERR_MALFORMED');
            return;
          }
          // The only way to decode is to be a real ticket, which random junk practically never is.
          throw new Error(`decoded garbage: ${junk}`);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('rejects valid zlib streams that do not hold a ticket object', () => {
    for (const doc of [[1, 2], 'text', 42, null, { 'TLS.ver': '2.0' }]) {
      expectSignError(() => decodeUserSig(seal(doc)), 'ERR_MALFORMED');
    }
    const notJson = deflateSync(Buffer.from('{"TLS.ver":')).toString('base64');
    expectSignError(() => decodeUserSig(notJson), 'ERR_MALFORMED');
  });

  it('refuses a decompression bomb instead of inflating it', () => {
    const bomb = deflateSync(Buffer.alloc(10 * 1024 * 1024, 0x20)).toString('base64');
    expectSignError(() => decodeUserSig(bomb), 'ERR_MALFORMED');
  });
});
