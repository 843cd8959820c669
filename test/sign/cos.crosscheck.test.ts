import COS from 'cos-nodejs-sdk-v5';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cosAuthorization } from '../../lib/sign/cosAuthorization';
import type { CosParams, CosParamValue } from '../../lib/sign/cosHttpString';
import { cosV4Signature } from '../../lib/sign/cosV4Signature';

// Our functions against the official cos-nodejs-sdk-v5@3.0.0 on random inputs.

const NAME_CHARS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._~-'];
const LOWER_LETTERS = [...'abcdefghijklmnopqrstuvwxyz'];
const FORBIDDEN_IN_SECRET = /[\s\p{Cc}]/gu;
const CONTROL = /\p{Cc}/u;

const freeName = fc.string({ unit: fc.constantFrom(...NAME_CHARS), minLength: 1, maxLength: 12 });

// The SDK copies parameters by assignment and calls obj.hasOwnProperty: these two own names break it.
const sdkSafeName = (name: string): boolean => name !== '__proto__' && name !== 'hasOwnProperty';

const headerName = fc.oneof(
  fc.mixedCase(
    fc.constantFrom(
      'host',
      'content-type',
      'cache-control',
      'content-length',
      'content-md5',
      'content-disposition',
      'range',
      'origin',
      'expires',
      'if-match',
      'pic-operations',
      'user-agent',
      'accept',
      'date',
      'authorization',
      'x-cos-acl',
      'x-cos-security-token',
    ),
  ),
  fc.mixedCase(
    fc.tuple(freeName, fc.constantFrom('x-cos-', 'x-ci-'), freeName).map(([a, b, c]) => b + c + a),
  ),
  fc.mixedCase(fc.tuple(fc.constantFrom('x-cos-', 'x-ci-', 'x-cos-meta-'), freeName).map(([a, b]) => a + b)),
  freeName,
);

const paramValue: fc.Arbitrary<CosParamValue> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.string({ maxLength: 20 }),
  fc.constantFrom('', ' ', '  padded value  ', 'a b', 'dir/子 目录', "it's (1)*!", '100%'),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

function params(name: fc.Arbitrary<string>): fc.Arbitrary<CosParams | undefined> {
  return fc.option(
    fc
      .uniqueArray(fc.tuple(name.filter(sdkSafeName), paramValue), {
        maxLength: 8,
        selector: ([key]) => key.toLowerCase(),
      })
      .map((entries): CosParams => Object.fromEntries(entries)),
    { nil: undefined },
  );
}

// Code points without control characters (pathnames reject them), plus the usual suspects.
const pathUnit = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((char) => !CONTROL.test(char)),
  fc.constantFrom(' ', '/', '文', '件', '😀', '%', '+', '?', '#', '&', '=', '~', "'", '(', '*'),
);
const pathname = fc.string({ unit: pathUnit, maxLength: 30 }).map((path) => `/${path}`);

const method = fc.oneof(
  fc.mixedCase(fc.constantFrom('get', 'put', 'post', 'delete', 'head', 'options', 'patch')),
  fc.mixedCase(fc.string({ unit: fc.constantFrom(...LOWER_LETTERS), minLength: 1, maxLength: 10 })),
);

const secretId = fc.string({
  unit: fc.oneof(
    fc.constantFrom(...[...'!"#$%\'()*+,-./:;<=>?@[\\]^_`{|}~'], ...NAME_CHARS),
    fc.constantFrom('é', '中', '😀'),
  ),
  minLength: 1,
  maxLength: 40,
});
const secretKey = fc
  .string({ unit: 'binary', minLength: 1, maxLength: 48 })
  .map((key) => key.replace(FORBIDDEN_IN_SECRET, 'x'));

const timeWindow = fc
  .oneof(
    fc.tuple(fc.maxSafeNat(), fc.maxSafeNat()),
    fc
      .tuple(fc.integer({ min: 1_600_000_000, max: 2_000_000_000 }), fc.integer({ min: 0, max: 86_400 }))
      .map(([start, length]): [number, number] => [start, start + length]),
  )
  .map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a]));

describe('cosAuthorization against COS.getAuthorization (cos-nodejs-sdk-v5 3.0.0)', () => {
  it('gives the same Authorization for random requests', () => {
    fc.assert(
      fc.property(
        secretId,
        secretKey,
        method,
        pathname,
        params(freeName),
        params(headerName),
        timeWindow,
        (id, key, verb, path, query, headers, [startTime, endTime]) => {
          const ours = cosAuthorization({
            secretId: id,
            secretKey: key,
            method: verb,
            pathname: path,
            startTime,
            endTime,
            ...(query === undefined ? {} : { query }),
            ...(headers === undefined ? {} : { headers }),
          });
          const theirs = COS.getAuthorization({
            SecretId: id,
            SecretKey: key,
            Method: verb as COS.Method,
            Pathname: path,
            KeyTime: `${startTime};${endTime}`,
            ...(query === undefined ? {} : { Query: query }),
            ...(headers === undefined ? {} : { Headers: headers }),
          });
          expect(ours).toBe(theirs);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('cosV4Signature (cos-nodejs-sdk-v5 layout) against COS#getV4Auth', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const cos = new COS({ SecretId: 'unused', SecretKey: 'unused' });
  const bucket = fc.string({
    unit: fc.constantFrom(...[...'abcdefghijklmnopqrstuvwxyz0123456789-']),
    minLength: 1,
  });
  const keyUnit = fc.oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    fc.constantFrom(' ', '/', '文', '😀', '%', '+', '!', "'", '(', ')', '*', '~', '&', '='),
  );
  // Leading "//" is rejected (the SDK and PHP disagree on it).
  const key = fc.string({ unit: keyUnit, minLength: 1, maxLength: 30 }).filter((k) => !k.startsWith('//'));

  it('gives the same signature with the SDK clock and random pinned', () => {
    fc.assert(
      fc.property(
        secretId.filter((id) => !id.includes('&')),
        secretKey,
        bucket,
        fc.oneof(fc.integer({ min: 0, max: 9_999_999_999 }), fc.nat().map(String)),
        key,
        fc.integer({ min: 0, max: 4_102_444_800 }),
        fc.integer({ min: -500, max: 499 }),
        fc.integer({ min: 1, max: 100_000_000 }),
        fc.integer({ min: 0, max: 2 ** 32 - 1 }),
        (id, secret, shortBucket, appId, filepath, now, jitterMs, expires, random) => {
          const ours = cosV4Signature({
            appId,
            secretId: id,
            secretKey: secret,
            bucket: shortBucket,
            expiration: now + expires,
            now,
            random,
            filepath,
            layout: 'cos-nodejs-sdk-v5',
          });

          // The SDK computes round(Date.now() / 1000) and round(Math.random() * 2^32).
          const clock = vi.spyOn(Date, 'now').mockReturnValue(now * 1000 + jitterMs);
          const dice = vi.spyOn(Math, 'random').mockReturnValue(random / 2 ** 32);
          let theirs: string;
          try {
            theirs = cos.getV4Auth({
              SecretId: id,
              SecretKey: secret,
              Bucket: `${shortBucket}-${appId}`,
              Key: filepath,
              Expires: expires,
            });
          } finally {
            clock.mockRestore();
            dice.mockRestore();
          }
          expect(ours).toBe(theirs);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
