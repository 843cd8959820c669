import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { genPrivateMapKey, genUserSig, genUserSigV1, verifyUserSig, verifyUserSigV1 } from '../../lib/sign';
import { OfficialTlsSigApiV1, OfficialTlsSigApiV2 } from '../support/officialTlsSigApi';
import { inflateTicket, sameZlibAsVectors } from '../support/tencentVectors';

// Property tests against Tencent's official npm packages on random ASCII inputs: same output (whole
// string with this Node's zlib, which the official Node library also uses), and mutual verification
// for the randomized v1 ECDSA tickets.

const NUM_RUNS = 1000;

// Tencent's user id rules: at most 32 bytes of [A-Za-z0-9_-].
const userId = fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/);
const sdkAppId = fc.integer({ min: 1, max: 0xffffffff });
// The official library is not given the key's intent; any printable key string is an HMAC key.
const secretKey = fc.string({
  minLength: 1,
  maxLength: 64,
  unit: fc.constantFrom(...'0123456789abcdefABCDEF-_+/=xyz'),
});
const expire = fc.integer({ min: 1, max: 86_400 * 400 });
// Keep now + expire inside 32 bits, as the privateMapKey layout requires.
const nowSeconds = fc.integer({ min: 1, max: 0xffffffff - 86_400 * 400 });
const subSecondMs = fc.integer({ min: 0, max: 999 });
const privilegeMap = fc.integer({ min: 0, max: 0xff });
const roomId = fc.integer({ min: 1, max: 4_294_967_294 });
// TRTC's documented string room charset, at most 64 bytes.
const strRoomId = fc.stringMatching(/^[a-zA-Z0-9 !#$%&()+\-:;<=.>?@[\]^_{}|~,]{1,64}$/);

function pinClock(now: number, ms: number): void {
  vi.spyOn(Date, 'now').mockReturnValue(now * 1000 + ms);
}

function expectSameTicket(ours: string, official: string): void {
  expect(inflateTicket(ours)).toEqual(inflateTicket(official));
  if (sameZlibAsVectors) expect(ours).toBe(official);
}

describe('cross-check with tls-sig-api-v2 (official Node library)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('genUserSig equals Api.genUserSig', () => {
    fc.assert(
      fc.property(
        sdkAppId,
        secretKey,
        userId,
        expire,
        nowSeconds,
        subSecondMs,
        (app, key, user, exp, now, ms) => {
          pinClock(now, ms);
          const official = new OfficialTlsSigApiV2(app, key).genUserSig(user, exp);
          expectSameTicket(
            genUserSig({ sdkAppId: app, secretKey: key, userId: user, expire: exp, now }),
            official,
          );
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('genUserSig with a userBuf equals Api.genSig', () => {
    const userBuf = fc.uint8Array({ minLength: 1, maxLength: 256 }).map((b) => Buffer.from(b));
    fc.assert(
      fc.property(
        sdkAppId,
        secretKey,
        userId,
        expire,
        nowSeconds,
        userBuf,
        (app, key, user, exp, now, buf) => {
          pinClock(now, 0);
          const official = new OfficialTlsSigApiV2(app, key).genSig(user, exp, buf);
          const ours = genUserSig({
            sdkAppId: app,
            secretKey: key,
            userId: user,
            expire: exp,
            now,
            userBuf: buf,
          });
          expectSameTicket(ours, official);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('genPrivateMapKey with a numeric room equals Api.genPrivateMapKey', () => {
    fc.assert(
      fc.property(
        sdkAppId,
        secretKey,
        userId,
        expire,
        nowSeconds,
        subSecondMs,
        roomId,
        privilegeMap,
        (app, key, user, exp, now, ms, room, privileges) => {
          pinClock(now, ms);
          const official = new OfficialTlsSigApiV2(app, key).genPrivateMapKey(user, exp, room, privileges);
          const ours = genPrivateMapKey({
            sdkAppId: app,
            secretKey: key,
            userId: user,
            expire: exp,
            now,
            roomId: room,
            privilegeMap: privileges,
          });
          expectSameTicket(ours, official);
          expect(
            verifyUserSig({ sdkAppId: app, secretKey: key, userId: user, userSig: official, now }).privateMap,
          ).toEqual({
            roomId: room,
            privilegeMap: privileges,
            expiresAt: now + exp,
          });
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('genPrivateMapKey with a string room equals Api.genPrivateMapKeyWithStringRoomID', () => {
    fc.assert(
      fc.property(
        sdkAppId,
        secretKey,
        userId,
        expire,
        nowSeconds,
        strRoomId,
        privilegeMap,
        (app, key, user, exp, now, room, privileges) => {
          pinClock(now, 0);
          const official = new OfficialTlsSigApiV2(app, key).genPrivateMapKeyWithStringRoomID(
            user,
            exp,
            room,
            privileges,
          );
          const ours = genPrivateMapKey({
            sdkAppId: app,
            secretKey: key,
            userId: user,
            expire: exp,
            now,
            strRoomId: room,
            privilegeMap: privileges,
          });
          expectSameTicket(ours, official);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('cross-check with tls-sig-api (official legacy v1 Node library)', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
  const keys = {
    private_key_string: privateKey.export({ type: 'sec1', format: 'pem' }).toString(),
    public_key_string: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('each side verifies the other side’s tickets, with and without a userbuf', () => {
    const userBuf = fc.option(
      fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => Buffer.from(b)),
      { nil: undefined },
    );
    fc.assert(
      fc.property(sdkAppId, userId, expire, nowSeconds, userBuf, (app, user, exp, now, buf) => {
        pinClock(now, 0);
        const official = new OfficialTlsSigApiV1({ sdk_appid: app, expire_after: exp, ...keys });
        const ours = genUserSigV1({
          sdkAppId: app,
          privateKeyPem: keys.private_key_string,
          userId: user,
          expire: exp,
          now,
          ...(buf ? { userBuf: buf } : {}),
        });
        const theirs = buf ? official.genSigWithUserbuf(user, buf) : official.genSig(user);

        if (buf) expect(official.verifySigWithUserbuf(ours, user)).toBe(buf.toString());
        else expect(official.verifySig(ours, user)).toBe(true);

        const claims = verifyUserSigV1({
          sdkAppId: app,
          publicKeyPem: keys.public_key_string,
          userId: user,
          userSig: theirs,
          now,
        });
        expect(claims.expiresAt).toBe(now + exp);
        expect(claims.userBuf && Buffer.from(claims.userBuf)).toEqual(buf);

        const { 'TLS.sig': _a, ...ourFields } = inflateTicket(ours);
        const { 'TLS.sig': _b, ...theirFields } = inflateTicket(theirs);
        expect(ourFields).toEqual(theirFields);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
