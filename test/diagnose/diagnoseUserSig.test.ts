import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { diagnoseUserSig, type TicketProblem } from '../../lib/diagnose/diagnoseUserSig';
import { genPrivateMapKey, genUserSig, genUserSigV1 } from '../../lib/sign';
import { encodePrivateMapUserBuf } from '../../lib/sign/privateMapUserBuf';
import { ecKeyPair, V2_APP, vector } from '../cli/support/tickets';
import { OfficialTlsSigApiV1, OfficialTlsSigApiV2 } from '../support/officialTlsSigApi';

// Every check Tencent makes, each failure with the code Tencent answers, on tickets from Tencent's
// official libraries and from lib/sign.

const NOW = 1_700_000_000;
const v1Keys = ecKeyPair();

function problems(diagnosis: ReturnType<typeof diagnoseUserSig>): [TicketProblem, number][] {
  return diagnosis.findings.map((finding) => [finding.problem, finding.tencentCode]);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('diagnoseUserSig on tickets of the official libraries', () => {
  it('finds every tls-sig-api-v2 userSig and privateMapKey valid (random inputs)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 0xffffffff }),
        fc.string({ minLength: 1, maxLength: 64 }).filter((key) => key.trim() !== ''),
        fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/),
        fc.integer({ min: 1, max: 86_400 }),
        fc.integer({ min: 1_600_000_000, max: 1_900_000_000 }),
        fc.option(fc.integer({ min: 1, max: 4_294_967_294 }), { nil: undefined }),
        (sdkAppId, key, userId, expire, now, roomId) => {
          vi.spyOn(Date, 'now').mockReturnValue(now * 1000);
          const official = new OfficialTlsSigApiV2(sdkAppId, key);
          const userSig =
            roomId === undefined
              ? official.genUserSig(userId, expire)
              : official.genPrivateMapKey(userId, expire, roomId, 0xab);
          const diagnosis = diagnoseUserSig({
            userSig,
            keys: { secretKey: key },
            sdkAppId,
            userId,
            ...(roomId === undefined ? {} : { room: { roomId } }),
            now: now + expire,
          });
          expect(diagnosis.findings).toEqual([]);
          expect(diagnosis.valid).toBe(true);
          expect(diagnosis.validUntil).toBe(now + expire);
          expect(diagnosis.ticket?.kind).toBe(roomId === undefined ? 'userSig' : 'privateMapKey');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('finds a tls-sig-api-v2 string-room privateMapKey valid for its string room only', () => {
    vi.spyOn(Date, 'now').mockReturnValue(NOW * 1000);
    const userSig = new OfficialTlsSigApiV2(
      V2_APP.sdkAppId,
      V2_APP.secretKey,
    ).genPrivateMapKeyWithStringRoomID('alice', 300, '10000', 0xff);
    const base = { userSig, keys: { secretKey: V2_APP.secretKey }, now: NOW + 10 };
    expect(diagnoseUserSig({ ...base, room: { strRoomId: '10000' } }).valid).toBe(true);
    expect(problems(diagnoseUserSig({ ...base, room: { roomId: 10000 } }))).toEqual([
      ['OTHER_ROOM', -100006],
    ]);
  });

  it('finds tls-sig-api v1 tickets valid with the public key, on both curves', () => {
    for (const curve of ['prime256v1', 'secp256k1'] as const) {
      const keys = ecKeyPair(curve);
      vi.spyOn(Date, 'now').mockReturnValue(NOW * 1000);
      const official = new OfficialTlsSigApiV1({
        sdk_appid: 1_400_001_052,
        expire_after: 3600,
        private_key_string: keys.privateKeyPem,
        public_key_string: keys.publicKeyPem,
      });
      const diagnosis = diagnoseUserSig({
        userSig: official.genSig('xiaojun'),
        keys: { publicKeyPem: keys.publicKeyPem },
        sdkAppId: 1_400_001_052,
        userId: 'xiaojun',
        now: NOW + 3600,
      });
      expect(diagnosis.findings).toEqual([]);
      expect(diagnosis.ticket?.version).toBe(1);
    }
  });

  it('reads the reference vectors: v1 privateMapKey of sign_srv with its room', () => {
    const { ticket, inputs } = vector('v1-privatemapkey-012');
    const diagnosis = diagnoseUserSig({
      userSig: ticket,
      keys: { publicKeyPem: inputs.publicKeyPem as string },
      room: { roomId: 10000 },
      now: inputs.currTime as number,
    });
    expect(diagnosis.findings).toEqual([]);
    expect(diagnosis.ticket?.privateMap).toMatchObject({ room: { roomId: 10000 }, privilegeMap: 255 });
    expect(diagnosis.unchecked).toEqual(['sdkAppId', 'userId']);
  });
});

describe('diagnoseUserSig failures', () => {
  const userSig = genUserSig({ ...V2_APP, userId: 'alice', expire: 600, now: NOW });
  const keys = { secretKey: V2_APP.secretKey };

  it.each([
    ['an empty ticket', { userSig: '  ' }, [['EMPTY', 70002]]],
    ['a malformed ticket', { userSig: 'eJyrVkrNKShKLVayUqpWMlQyUjJUMlIyUTJWMgEA' }, [['MALFORMED', 70003]]],
    ['a truncated ticket', { userSig: userSig.slice(0, 40) }, [['MALFORMED', 70003]]],
    ['another app', { sdkAppId: 1_400_000_001 }, [['OTHER_APP', 70014]]],
    ['another user', { userId: 'bob' }, [['OTHER_USER', 70013]]],
    ['an expired ticket', { now: NOW + 601 }, [['EXPIRED', 70001]]],
    ['a wrong key', { keys: { secretKey: 'another-key' } }, [['BAD_SIGNATURE', 70009]]],
    [
      'a v2 ticket checked with a v1 key',
      { keys: { publicKeyPem: v1Keys.publicKeyPem } },
      [['OTHER_GENERATION', 70009]],
    ],
    ['a room for a plain userSig', { room: { roomId: 1 } }, [['NOT_A_ROOM_TICKET', -100006]]],
  ] as const)('names %s with Tencent’s code', (_what, change, expected) => {
    const diagnosis = diagnoseUserSig({
      userSig,
      keys,
      sdkAppId: V2_APP.sdkAppId,
      userId: 'alice',
      now: NOW + 1,
      ...change,
    });
    expect(diagnosis.valid).toBe(false);
    expect(problems(diagnosis)).toEqual(expected);
  });

  it('is valid at the last second, expired one second later, and honours the leeway', () => {
    const base = { userSig, keys, now: NOW + 600 };
    expect(diagnoseUserSig(base).valid).toBe(true);
    expect(problems(diagnoseUserSig({ ...base, now: NOW + 601 }))).toEqual([['EXPIRED', 70001]]);
    expect(diagnoseUserSig({ ...base, now: NOW + 630, leeway: 30 }).valid).toBe(true);
    expect(diagnoseUserSig({ ...base, now: NOW + 601 }).findings[0]?.at).toBe(NOW + 600);
  });

  it('lists every failure in Tencent’s order: app, user, expiry, signature', () => {
    const diagnosis = diagnoseUserSig({
      userSig,
      keys: { secretKey: 'stale' },
      sdkAppId: 1,
      userId: 'bob',
      now: NOW + 10_000,
    });
    expect(problems(diagnosis)).toEqual([
      ['OTHER_APP', 70014],
      ['OTHER_USER', 70013],
      ['EXPIRED', 70001],
      ['BAD_SIGNATURE', 70009],
    ]);
  });

  it('checks a v1 ticket against a v2 key as the wrong generation, and with the wrong public key as a bad signature', () => {
    const v1 = genUserSigV1({
      sdkAppId: 1,
      privateKeyPem: v1Keys.privateKeyPem,
      userId: 'alice',
      expire: 60,
      now: NOW,
    });
    expect(problems(diagnoseUserSig({ userSig: v1, keys, now: NOW }))).toEqual([['OTHER_GENERATION', 70009]]);
    const other = ecKeyPair();
    expect(
      problems(diagnoseUserSig({ userSig: v1, keys: { publicKeyPem: other.publicKeyPem }, now: NOW })),
    ).toEqual([['BAD_SIGNATURE', 70009]]);
    // With both keys at hand, the one of the ticket's generation is used.
    expect(
      diagnoseUserSig({ userSig: v1, keys: { ...keys, publicKeyPem: v1Keys.publicKeyPem }, now: NOW }).valid,
    ).toBe(true);
  });

  it('checks the room, and the room permission’s own expiry and owner', () => {
    const pmk = genPrivateMapKey({
      ...V2_APP,
      userId: 'alice',
      expire: 300,
      now: NOW,
      roomId: 42,
      privilegeMap: 0x2a,
    });
    const base = { userSig: pmk, keys, now: NOW + 1 };
    expect(diagnoseUserSig({ ...base, room: { roomId: 42 } }).valid).toBe(true);
    expect(problems(diagnoseUserSig({ ...base, room: { roomId: 43 } }))).toEqual([['OTHER_ROOM', -100006]]);
    expect(problems(diagnoseUserSig({ ...base, room: { strRoomId: '42' } }))).toEqual([
      ['OTHER_ROOM', -100006],
    ]);
    expect(problems(diagnoseUserSig({ ...base, now: NOW + 301 }))).toEqual([
      ['EXPIRED', 70001],
      ['ROOM_EXPIRED', -100006],
    ]);
    expect(diagnoseUserSig(base).unchecked).toEqual(['sdkAppId', 'userId', 'room']);
    expect(diagnoseUserSig(base).ticket?.privateMap?.privileges).toEqual([
      'enterRoom',
      'receiveAudio',
      'receiveVideo',
    ]);
  });

  it('flags a room permission made out for another user (a userbuf copied from another ticket)', () => {
    // Bob's room permission, signed into a ticket of alice.
    const userBuf = encodePrivateMapUserBuf({
      userId: 'bob',
      sdkAppId: V2_APP.sdkAppId,
      roomId: 42,
      expiresAt: NOW + 300,
      privilegeMap: 0xff,
    });
    const forged = genUserSig({ ...V2_APP, userId: 'alice', expire: 300, now: NOW, userBuf });
    const diagnosis = diagnoseUserSig({ userSig: forged, keys, now: NOW });
    expect(problems(diagnosis)).toEqual([['ROOM_FOR_OTHER_USER', -100006]]);
    expect(diagnosis.ticket?.privateMap).toMatchObject({ userId: 'bob', matchesTicket: false });
  });

  it('refuses to run without a key', () => {
    expect(() => diagnoseUserSig({ userSig, keys: {}, now: NOW })).toThrow(TypeError);
  });
});
