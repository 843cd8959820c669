import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretInvalidError } from '../../lib/secrets/errors';
import { parseSecret } from '../../lib/secrets/parseSecret';
import {
  CosSecretSchema,
  TrtcSecretSchema,
  TrtcSecretV1Schema,
  trtcSecretSchema,
} from '../../lib/secrets/secretSchemas';
import { v1KeyPair } from '../support/v1Keys';

// Distinctive fake values: if any of them shows up in an error message, the message leaks the secret.
const FAKE_SECRET_KEY = 'FAKE-secretKey-7f3a9c1e-never-log-me';
const FAKE_SECRET_ID = 'AKIDFAKEsecretId-4b2d8e6f-never-log-me';
const FAKE_PEM = [
  '-----BEGIN PRIVATE KEY-----',
  'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgFAKEFAKEFAKEFAKE',
  'FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKEhRANCAAT4FAKE',
  '-----END PRIVATE KEY-----',
  '',
].join('\n');

const validTrtc = { sdkAppId: 1400000000, secretKey: FAKE_SECRET_KEY };
const validCos = {
  appId: '1250000000',
  secretId: FAKE_SECRET_ID,
  secretKey: FAKE_SECRET_KEY,
  bucket: 'uploads-1250000000',
  region: 'ap-guangzhou',
};

function rejection(parse: () => unknown): SecretInvalidError {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(SecretInvalidError);
    return error as SecretInvalidError;
  }
  throw new Error('expected a SecretInvalidError, but the secret was accepted');
}

function expectNoLeak(error: Error, ...values: readonly string[]): void {
  for (const value of [FAKE_SECRET_KEY, FAKE_SECRET_ID, 'FAKEFAKE', ...values]) {
    expect(error.message).not.toContain(value);
    expect(JSON.stringify(error)).not.toContain(value);
    expect(String(error.stack)).not.toContain(value);
  }
}

describe('TrtcSecretSchema', () => {
  const parseTrtc = (secret: unknown) => parseSecret(TrtcSecretSchema, JSON.stringify(secret), 'trtc');

  it('accepts a secret without the legacy key', () => {
    expect(parseTrtc(validTrtc)).toEqual(validTrtc);
  });

  it('accepts a secret with a PEM private key for legacy v1 tickets', () => {
    expect(parseTrtc({ ...validTrtc, privateKeyPem: FAKE_PEM })).toEqual({
      ...validTrtc,
      privateKeyPem: FAKE_PEM,
    });
  });

  it('accepts the SEC1 "EC PRIVATE KEY" form with CRLF line ends', () => {
    const sec1 = FAKE_PEM.replaceAll('PRIVATE KEY', 'EC PRIVATE KEY').replaceAll('\n', '\r\n');
    expect(parseTrtc({ ...validTrtc, privateKeyPem: sec1 }).privateKeyPem).toBe(sec1);
  });

  it('ignores unknown extra fields and leaves them out of the result', () => {
    expect(parseTrtc({ ...validTrtc, comment: 'rotated by ops', expire: 3 })).toEqual(validTrtc);
  });

  it('accepts the bounds of sdkAppId', () => {
    expect(parseTrtc({ ...validTrtc, sdkAppId: 1 }).sdkAppId).toBe(1);
    expect(parseTrtc({ ...validTrtc, sdkAppId: 4294967295 }).sdkAppId).toBe(4294967295);
  });

  it.each([
    ['zero', 0],
    ['above uint32', 4294967296],
    ['a fraction', 1400098765.5],
    ['negative', -1400098765],
    ['a numeric string', '1400098765'],
    ['null', null],
  ])('rejects sdkAppId that is %s, naming the field and not the value', (_label, sdkAppId) => {
    const error = rejection(() => parseTrtc({ ...validTrtc, sdkAppId }));
    expect(error.message).toBe('secret "trtc": field "sdkAppId" must be an integer between 1 and 4294967295');
    expect(error.fields).toEqual(['sdkAppId']);
    expect(error.secretName).toBe('trtc');
    expectNoLeak(error, '1400098765', '4294967296');
  });

  it('rejects a missing sdkAppId', () => {
    const error = rejection(() => parseTrtc({ secretKey: FAKE_SECRET_KEY }));
    expect(error.message).toBe(
      'secret "trtc": field "sdkAppId" is required and must be an integer between 1 and 4294967295',
    );
    expectNoLeak(error);
  });

  it.each([
    ['empty', ''],
    ['a number', 123456789],
    ['an object', { nested: FAKE_SECRET_KEY }],
  ])('rejects secretKey that is %s', (_label, secretKey) => {
    const error = rejection(() => parseTrtc({ ...validTrtc, secretKey }));
    expect(error.message).toBe('secret "trtc": field "secretKey" must be a non-empty string');
    expect(error.fields).toEqual(['secretKey']);
    expectNoLeak(error, '123456789');
  });

  it('rejects a missing secretKey', () => {
    const error = rejection(() => parseTrtc({ sdkAppId: 1400000000 }));
    expect(error.message).toBe('secret "trtc": field "secretKey" is required and must be a non-empty string');
  });

  it.each([
    ['not PEM', `not-a-pem-${FAKE_SECRET_KEY}`],
    ['a public key', FAKE_PEM.replaceAll('PRIVATE KEY', 'PUBLIC KEY')],
    ['null', null],
    ['empty', ''],
  ])('rejects privateKeyPem that is %s', (_label, privateKeyPem) => {
    const error = rejection(() => parseTrtc({ ...validTrtc, privateKeyPem }));
    expect(error.message).toMatch(/^secret "trtc": field "privateKeyPem" must be a PEM private key/);
    expect(error.fields).toEqual(['privateKeyPem']);
    expectNoLeak(error);
  });

  it('lists every offending field in one message', () => {
    const error = rejection(() => parseTrtc({ sdkAppId: 'x', secretKey: '' }));
    expect(error.fields).toEqual(['sdkAppId', 'secretKey']);
    expect(error.message).toBe(
      'secret "trtc": field "sdkAppId" must be an integer between 1 and 4294967295; ' +
        'field "secretKey" must be a non-empty string',
    );
  });

  it.each([
    ['a string', FAKE_SECRET_KEY],
    ['a number', 1400000000],
    ['null', null],
  ])('rejects a document that is %s', (_label, document) => {
    const error = rejection(() => parseTrtc(document));
    expect(error.message).toBe('secret "trtc" must be a JSON object');
    expect(error.fields).toEqual([]);
    expectNoLeak(error);
  });
});

describe('CosSecretSchema', () => {
  const parseCos = (secret: unknown) => parseSecret(CosSecretSchema, JSON.stringify(secret), 'cos');

  it('accepts a complete secret and ignores extra fields', () => {
    expect(parseCos({ ...validCos, note: 'x' })).toEqual(validCos);
  });

  it('accepts a 15-digit appId', () => {
    const appId = '123456789012345';
    expect(parseCos({ ...validCos, appId, bucket: `b-${appId}` }).appId).toBe(appId);
  });

  it.each([
    ['a number', 1250000000],
    ['16 digits (not an exact integer for the signers)', '1234567890123456'],
    ['a leading zero', '0125'],
    ['empty', ''],
    ['not digits', '12500abc00'],
    ['full-width digits', '１２５０'],
  ])('rejects appId that is %s', (_label, appId) => {
    const error = rejection(() => parseCos({ ...validCos, appId }));
    expect(error.message).toBe(
      'secret "cos": field "appId" must be a string of 1 to 15 decimal digits without a leading zero',
    );
    expect(error.fields).toEqual(['appId']);
    expectNoLeak(error, '12500abc00', '1234567890123456');
  });

  const COS_KEY_EXPECTATION = {
    secretId: 'a non-empty string of visible ASCII characters other than "&"',
    secretKey: 'a non-empty string of visible ASCII characters',
  };

  it.each([
    'secretId',
    'secretKey',
  ] as const)('rejects an empty, missing or whitespace-holding %s', (field) => {
    for (const bad of ['', 'has space', 'tab\there']) {
      const error = rejection(() => parseCos({ ...validCos, [field]: bad }));
      expect(error.message).toBe(`secret "cos": field "${field}" must be ${COS_KEY_EXPECTATION[field]}`);
      expectNoLeak(error, 'has space', 'tab\there');
    }
    const { [field]: _dropped, ...rest } = validCos;
    const missing = rejection(() => parseCos(rest));
    expect(missing.message).toBe(
      `secret "cos": field "${field}" is required and must be ${COS_KEY_EXPECTATION[field]}`,
    );
    expectNoLeak(missing);
  });

  it('rejects a secretId holding "&", which would split the signed q-ak field', () => {
    expect(rejection(() => parseCos({ ...validCos, secretId: 'AKID&x' })).fields).toEqual(['secretId']);
  });

  it.each([
    ['uppercase', 'Uploads-1250000000'],
    ['without the appId', 'uploads'],
    ['with another appId', 'uploads-1250099999'],
    ['with an empty name', '-1250000000'],
    ['with a dot', 'up.loads-1250000000'],
    ['a number', 1250000000],
  ])('rejects bucket %s', (_label, bucket) => {
    const error = rejection(() => parseCos({ ...validCos, bucket }));
    expect(error.message).toMatch(
      /^secret "cos": field "bucket" must be the full bucket name "<name>-<appId>"/,
    );
    expect(error.fields).toEqual(['bucket']);
    expectNoLeak(error, 'Uploads', 'up.loads', '1250099999');
  });

  it.each([
    ['uppercase', 'AP-Guangzhou'],
    ['with an underscore', 'ap_guangzhou'],
    ['empty', ''],
  ])('rejects region %s', (_label, region) => {
    const error = rejection(() => parseCos({ ...validCos, region }));
    expect(error.message).toMatch(
      /^secret "cos": field "region" must be a COS region such as "ap-guangzhou"/,
    );
    expect(error.fields).toEqual(['region']);
    expectNoLeak(error, 'AP-Guangzhou', 'ap_guangzhou');
  });
});

describe('TrtcSecretV1Schema (TRTC_TICKET_VERSION=1)', () => {
  const keys = v1KeyPair('prime256v1');
  const parseV1 = (secret: unknown) => parseSecret(TrtcSecretV1Schema, JSON.stringify(secret), 'trtc');

  it('is the schema of a v1 configuration, and accepts a secret whose key signs', () => {
    expect(trtcSecretSchema(1)).toBe(TrtcSecretV1Schema);
    expect(trtcSecretSchema(2)).toBe(TrtcSecretSchema);
    expect(parseV1({ ...validTrtc, privateKeyPem: keys.privateKeyPem }).privateKeyPem).toBe(
      keys.privateKeyPem,
    );
    const k1 = v1KeyPair('secp256k1');
    expect(parseV1({ ...validTrtc, privateKeyPem: k1.privateKeyPem }).sdkAppId).toBe(1400000000);
  });

  it('refuses a secret without the key, naming the field and the setting that needs it', () => {
    const error = rejection(() => parseV1(validTrtc));
    expect(error.message).toBe(
      'secret "trtc": field "privateKeyPem" is required and must be a PEM EC private key (prime256v1 or secp256k1) that signs v1 tickets, which TRTC_TICKET_VERSION=1 needs',
    );
    expect(error.fields).toEqual(['privateKeyPem']);
  });

  it('refuses a PEM that does not sign: a fake body, an RSA or Ed25519 key, a P-384 key; never quoting it', () => {
    const other = (type: 'rsa' | 'ed25519' | 'ec', options: object) =>
      (
        generateKeyPairSync as (
          t: string,
          o: object,
        ) => { privateKey: { export(o: object): string | Buffer } }
      )(type, options)
        .privateKey.export({ type: 'pkcs8', format: 'pem' })
        .toString();
    for (const pem of [
      FAKE_PEM,
      other('rsa', { modulusLength: 2048 }),
      other('ed25519', {}),
      other('ec', { namedCurve: 'secp384r1' }),
      keys.publicKeyPem,
    ]) {
      const error = rejection(() => parseV1({ ...validTrtc, privateKeyPem: pem }));
      expect(error.message).toMatch(/^secret "trtc": field "privateKeyPem" must be a PEM EC private key/);
      const body = pem.split('\n')[1] as string;
      expectNoLeak(error, body);
    }
  });
});
