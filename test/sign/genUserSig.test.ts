import { describe, expect, it } from 'vitest';
import { genPrivateMapKey, genUserSig } from '../../lib/sign';
import { expectSignError } from '../support/expectSignError';

const base = {
  sdkAppId: 1400000000,
  secretKey: 'test-secret-key-not-real-0123456789abcdef',
  userId: 'alice_01',
  expire: 3600,
  now: 1_700_000_000,
};
type Params = Parameters<typeof genUserSig>[0];
type RoomParams = Parameters<typeof genPrivateMapKey>[0];

describe('genUserSig input checks', () => {
  it.each([
    ['sdkAppId 0', { sdkAppId: 0 }],
    ['sdkAppId above 32 bits', { sdkAppId: 2 ** 32 }],
    ['a fractional time', { now: 1_700_000_000.5 }],
    ['a negative time', { now: -1 }],
    ['a fractional expire', { expire: 1.5 }],
    ['a negative expire', { expire: -1 }],
    ['an empty secret key', { secretKey: '' }],
    ['a newline in the user id (would forge the next signed line)', { userId: 'bob\nTLS.sdkappid:1' }],
    ['an unpaired surrogate in the user id', { userId: 'a\ud800b' }],
    ['an empty userBuf', { userBuf: new Uint8Array() }],
    ['NaN', { expire: Number.NaN }],
  ])('rejects %s as ERR_INPUT', (_what, change) => {
    expectSignError(() => genUserSig({ ...base, ...change } as Params), 'ERR_INPUT');
  });

  it.each([
    ['a string SDKAppID', { sdkAppId: '1400000000' }],
    ['a string expire', { expire: '300' }],
    ['a missing user id', { userId: undefined }],
    ['a string userBuf', { userBuf: 'abc' }],
    ['a bigint time', { now: 1_700_000_000n }],
  ])('throws TypeError for %s', (_what, change) => {
    expect(() => genUserSig({ ...base, ...change } as unknown as Params)).toThrow(TypeError);
  });

  it('never puts the secret key into an error message', () => {
    try {
      genUserSig({ ...base, expire: -1 });
    } catch (error) {
      expect(String((error as Error).message)).not.toContain(base.secretKey);
    }
  });
});

describe('genPrivateMapKey input checks', () => {
  it.each([
    ['an empty strRoomId (the official libraries disagree on it)', { strRoomId: '' }],
    ['room 0', { roomId: 0 }],
    ['room 4294967295 (outside TRTC range)', { roomId: 4_294_967_295 }],
    ['a room above 32 bits', { roomId: 2 ** 32 + 1 }],
    ['a fractional room', { roomId: 1.5 }],
    ['privilegeMap above one byte', { roomId: 1, privilegeMap: 0x100 }],
    ['both room fields', { roomId: 1, strRoomId: '1' }],
    ['no room field', {}],
    ['a control character in the room', { strRoomId: 'a\u0000b' }],
  ])('rejects %s as ERR_INPUT', (_what, change) => {
    expectSignError(
      () => genPrivateMapKey({ ...base, privilegeMap: 0xff, ...change } as RoomParams),
      'ERR_INPUT',
    );
  });

  it('rejects an expiry past 32 bits, which the room layout cannot hold', () => {
    expectSignError(
      () => genPrivateMapKey({ ...base, now: 0xffffffff - 10, expire: 11, roomId: 1, privilegeMap: 1 }),
      'ERR_INPUT',
    );
  });

  it('throws TypeError for a numeric strRoomId or a string roomId', () => {
    expect(() =>
      genPrivateMapKey({ ...base, privilegeMap: 1, strRoomId: 5 } as unknown as RoomParams),
    ).toThrow(TypeError);
    expect(() =>
      genPrivateMapKey({ ...base, privilegeMap: 1, roomId: '5' } as unknown as RoomParams),
    ).toThrow(TypeError);
  });
});
