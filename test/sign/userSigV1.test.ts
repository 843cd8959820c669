import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { genPrivateMapKeyV1, genUserSig, genUserSigV1, verifyUserSigV1 } from '../../lib/sign';
import { expectSignError } from '../support/expectSignError';

function ecKeyPair(namedCurve: string) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
  return {
    privateKeyPem: privateKey.export({ type: 'sec1', format: 'pem' }).toString(),
    pkcs8Pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

const base = { sdkAppId: 1400001052, userId: 'alice_01', expire: 600, now: 1_700_000_000 };

describe.each(['prime256v1', 'secp256k1'])('legacy v1 tickets on %s', (curve) => {
  const keys = ecKeyPair(curve);
  const verifyParams = { sdkAppId: base.sdkAppId, publicKeyPem: keys.publicKeyPem, userId: base.userId };

  it('verifies a userSig from a SEC1 or a PKCS#8 key until it expires', () => {
    for (const privateKeyPem of [keys.privateKeyPem, keys.pkcs8Pem]) {
      const userSig = genUserSigV1({ ...base, privateKeyPem });
      expect(verifyUserSigV1({ ...verifyParams, userSig, now: base.now + base.expire })).toMatchObject({
        version: 1,
        userId: base.userId,
        expiresAt: base.now + base.expire,
      });
      expectSignError(
        () => verifyUserSigV1({ ...verifyParams, userSig, now: base.now + base.expire + 1 }),
        'ERR_EXPIRED',
      );
    }
  });

  it('carries a userbuf and the privateMap of a v1 privateMapKey', () => {
    const userBuf = Buffer.from('1234');
    const withBuf = genUserSigV1({ ...base, privateKeyPem: keys.privateKeyPem, userBuf });
    expect(
      Buffer.from(verifyUserSigV1({ ...verifyParams, userSig: withBuf, now: base.now }).userBuf ?? []),
    ).toEqual(userBuf);

    const roomKey = genPrivateMapKeyV1({
      ...base,
      privateKeyPem: keys.privateKeyPem,
      roomId: 10000,
      privilegeMap: 0xff,
    });
    expect(verifyUserSigV1({ ...verifyParams, userSig: roomKey, now: base.now }).privateMap).toEqual({
      roomId: 10000,
      privilegeMap: 0xff,
      expiresAt: base.now + base.expire,
    });
  });

  it('rejects another key, another user, another app and a v2 ticket', () => {
    const userSig = genUserSigV1({ ...base, privateKeyPem: keys.privateKeyPem });
    const other = ecKeyPair(curve);
    expectSignError(
      () => verifyUserSigV1({ ...verifyParams, publicKeyPem: other.publicKeyPem, userSig, now: base.now }),
      'ERR_SIGNATURE',
    );
    expectSignError(
      () => verifyUserSigV1({ ...verifyParams, userId: 'bob', userSig, now: base.now }),
      'ERR_MISMATCH',
    );
    expectSignError(
      () => verifyUserSigV1({ ...verifyParams, sdkAppId: 1, userSig, now: base.now }),
      'ERR_MISMATCH',
    );
    const v2 = genUserSig({ ...base, secretKey: 'k' });
    expectSignError(() => verifyUserSigV1({ ...verifyParams, userSig: v2, now: base.now }), 'ERR_MALFORMED');
  });
});

describe('legacy v1 key handling', () => {
  it('rejects keys that are not EC keys on a supported curve, without quoting them', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    const p384 = ecKeyPair('secp384r1').privateKeyPem;
    for (const privateKeyPem of [rsa.toString(), p384, 'not a pem', '']) {
      const error = expectSignError(() => genUserSigV1({ ...base, privateKeyPem }), 'ERR_INPUT');
      expect(error.message).not.toContain('PRIVATE KEY-----');
    }
    expectSignError(
      () => verifyUserSigV1({ sdkAppId: 1, userId: 'a', userSig: 'x', now: 0, publicKeyPem: 'nope' }),
      'ERR_INPUT',
    );
  });

  it('throws TypeError for a key that is not a string', () => {
    expect(() => genUserSigV1({ ...base, privateKeyPem: Buffer.from('x') as unknown as string })).toThrow(
      TypeError,
    );
  });
});
