import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type CosV4SignatureInput, cosV4Signature } from '../../lib/sign/cosV4Signature';
import { SignError } from '../../lib/sign/SignError';

// Known answers produced by cos-php-sdk-v4 `Auth` and cos-nodejs-sdk-v5 `getV4Auth` (source per vector).
interface CosV4Vector {
  readonly id: string;
  readonly kind: string;
  readonly inputs: {
    readonly appId?: string | number;
    readonly secretId: string;
    readonly secretKey: string;
    readonly bucket: string;
    readonly expiration?: number;
    readonly expires?: number;
    readonly filepath?: string;
    readonly key?: string;
    readonly currTime: number;
    readonly random: number;
    readonly plainTextFieldOrder: string;
  };
  readonly expected: string;
  readonly intermediate: { readonly plainText: string; readonly hmacSha1Hex: string };
  readonly source: string;
}

const fixtures = JSON.parse(
  readFileSync(new URL('../fixtures/tencent-sig-vectors.json', import.meta.url), 'utf8'),
) as { vectors: CosV4Vector[] };
const vectors = fixtures.vectors.filter(
  (vector) => vector.kind === 'cos-v4-reusable' || vector.kind === 'cos-v4-onetime',
);

function toInput(vector: CosV4Vector): CosV4SignatureInput {
  const { inputs } = vector;
  let appId = inputs.appId;
  let bucket = inputs.bucket;
  if (appId === undefined) {
    // cos-nodejs-sdk-v5 takes a long bucket name `name-APPID`.
    const dash = bucket.lastIndexOf('-');
    appId = bucket.slice(dash + 1);
    bucket = bucket.slice(0, dash);
  }

  let layout: CosV4SignatureInput['layout'];
  if (inputs.plainTextFieldOrder === 'a,b,k,t,e,r,f') layout = 'cos-nodejs-sdk-v5';
  else if (inputs.plainTextFieldOrder === 'a,b,k,e,t,r,f') layout = 'php-sdk-v4';
  else throw new Error(`${vector.id}: no layout for field order ${inputs.plainTextFieldOrder}`);

  let filepath = inputs.filepath ?? inputs.key;
  // The Node SDK always binds a file id (the bucket root without a key); PHP signs `f=` for an empty path.
  if (!filepath) filepath = layout === 'cos-nodejs-sdk-v5' ? '/' : undefined;

  const expiration =
    vector.kind === 'cos-v4-onetime' ? 0 : (inputs.expiration ?? inputs.currTime + (inputs.expires ?? 900));

  return {
    appId,
    secretId: inputs.secretId,
    secretKey: inputs.secretKey,
    bucket,
    expiration,
    now: inputs.currTime,
    random: inputs.random,
    layout,
    ...(filepath === undefined ? {} : { filepath }),
  };
}

function decode(signature: string): { macHex: string; plainText: string } {
  const bytes = Buffer.from(signature, 'base64');
  return { macHex: bytes.subarray(0, 20).toString('hex'), plainText: bytes.subarray(20).toString('utf8') };
}

describe('cosV4Signature', () => {
  it('has known-answer vectors of both kinds to check', () => {
    expect(vectors.some((vector) => vector.kind === 'cos-v4-reusable')).toBe(true);
    expect(vectors.some((vector) => vector.kind === 'cos-v4-onetime')).toBe(true);
  });

  it.each(vectors.map((vector) => [vector.id, vector] as const))('reproduces %s', (_id, vector) => {
    const signature = cosV4Signature(toInput(vector));
    expect(decode(signature)).toEqual({
      macHex: vector.intermediate.hmacSha1Hex,
      plainText: vector.intermediate.plainText,
    });
    expect(signature).toBe(vector.expected);
  });

  const base = {
    appId: '1250000000',
    secretId: 'AKIDQjz3ltompVjBni5LitkWHFlFpwkn9U5q',
    secretKey: 'BQYIM75p8x0iWVFSIgqEKwFprpRSVHlz',
    bucket: 'examplebucket',
    expiration: 1_700_000_180,
    now: 1_700_000_000,
    random: 1_804_289_383,
  } satisfies CosV4SignatureInput;

  it('signs a bucket-wide reusable signature with an empty f', () => {
    expect(decode(cosV4Signature(base)).plainText).toBe(
      'a=1250000000&b=examplebucket&k=AKIDQjz3ltompVjBni5LitkWHFlFpwkn9U5q&e=1700000180&t=1700000000&r=1804289383&f=',
    );
  });

  it('signs a one-time signature with e=0 bound to the file', () => {
    const { plainText } = decode(cosV4Signature({ ...base, expiration: 0, filepath: 'dir/a b.txt' }));
    expect(plainText).toContain('&e=0&');
    expect(plainText.endsWith('&f=/1250000000/examplebucket/dir/a%20b.txt')).toBe(true);
  });

  it('treats one leading slash of filepath as optional', () => {
    expect(cosV4Signature({ ...base, filepath: '/dir/x.txt' })).toBe(
      cosV4Signature({ ...base, filepath: 'dir/x.txt' }),
    );
  });

  it('accepts the APPID as a number or as a string', () => {
    expect(cosV4Signature({ ...base, appId: 1_250_000_000 })).toBe(cosV4Signature(base));
  });

  it('uses the php-sdk-v4 layout by default', () => {
    expect(cosV4Signature({ ...base, layout: 'php-sdk-v4' })).toBe(cosV4Signature(base));
  });

  it("encodes ! ' ( ) * in the php-sdk-v4 layout only", () => {
    const filepath = "it's (1)*!~.txt";
    expect(decode(cosV4Signature({ ...base, filepath })).plainText).toMatch(
      /&f=\/1250000000\/examplebucket\/it%27s%20%281%29%2A%21~\.txt$/,
    );
    expect(decode(cosV4Signature({ ...base, filepath, layout: 'cos-nodejs-sdk-v5' })).plainText).toBe(
      "a=1250000000&b=examplebucket&k=AKIDQjz3ltompVjBni5LitkWHFlFpwkn9U5q&t=1700000000&e=1700000180&r=1804289383&f=/1250000000/examplebucket/it's%20(1)*!~.txt",
    );
  });

  it('encodes non-ASCII paths as UTF-8', () => {
    expect(decode(cosV4Signature({ ...base, filepath: '文件/照片.jpg' })).plainText).toMatch(
      /&f=\/1250000000\/examplebucket\/%E6%96%87%E4%BB%B6\/%E7%85%A7%E7%89%87\.jpg$/,
    );
  });

  it('accepts the extremes of random and a bucket root file id', () => {
    expect(decode(cosV4Signature({ ...base, random: 9_999_999_999, filepath: '/' })).plainText).toMatch(
      /&r=9999999999&f=\/1250000000\/examplebucket\/$/,
    );
    expect(decode(cosV4Signature({ ...base, random: 0 })).plainText).toContain('&r=0&');
  });

  describe('rejects', () => {
    const secretKey = base.secretKey;
    const wrongTypes: [string, Record<string, unknown>][] = [
      ['a missing secretId', { secretId: undefined }],
      ['a numeric secretKey', { secretKey: 7 }],
      ['a boolean appId', { appId: true }],
      ['a null appId', { appId: null }],
      ['a bigint appId', { appId: 1_250_000_000n }],
      ['a numeric bucket', { bucket: 1 }],
      ['an expiration given as a string', { expiration: '0' }],
      ['a missing now', { now: undefined }],
      ['a random given as a string', { random: '1' }],
      ['a numeric filepath', { filepath: 1 }],
      ['a non-string layout', { layout: 1 }],
    ];
    const badValues: [string, Record<string, unknown>][] = [
      ['an empty secretId', { secretId: '' }],
      ['an empty secretKey', { secretKey: '' }],
      ['a secretId with "&"', { secretId: 'AKID&e=0' }],
      ['a secretKey with a space', { secretKey: `${secretKey} ` }],
      ['a secretKey with a control character', { secretKey: `${secretKey}\u007f` }],
      ['a secretKey with a lone surrogate', { secretKey: `\udbff${secretKey}` }],
      ['an empty appId', { appId: '' }],
      ['a non-decimal appId', { appId: '12a' }],
      ['an appId with a leading zero', { appId: '01250000000' }],
      ['a signed appId string', { appId: '-1' }],
      ['an appId beyond safe integers', { appId: '9007199254740993' }],
      ['a negative appId', { appId: -1 }],
      ['a fractional appId', { appId: 1.5 }],
      ['an upper-case bucket', { bucket: 'Example' }],
      ['a bucket with an underscore', { bucket: 'a_b' }],
      ['an empty bucket', { bucket: '' }],
      ['a negative expiration', { expiration: -1 }],
      ['a fractional expiration', { expiration: 1_700_000_180.5 }],
      ['an expiration equal to now', { expiration: base.now }],
      ['an expiration before now', { expiration: base.now - 1 }],
      ['a negative now', { now: -1 }],
      ['a NaN now', { now: Number.NaN }],
      ['a negative random', { random: -1 }],
      ['a fractional random', { random: 0.5 }],
      ['a random of 11 digits', { random: 10_000_000_000 }],
      ['an infinite random', { random: Number.POSITIVE_INFINITY }],
      ['an unknown layout', { layout: 'php' }],
      ['an empty filepath', { filepath: '' }],
      ['a filepath starting with "//"', { filepath: '//a.txt' }],
      ['a filepath with a lone surrogate', { filepath: 'a\ud800.txt' }],
      ['a one-time signature without filepath', { expiration: 0 }],
    ];

    function call(patch: Record<string, unknown>): unknown {
      try {
        cosV4Signature({ ...base, ...patch } as unknown as CosV4SignatureInput);
      } catch (error) {
        return error;
      }
      throw new Error('expected cosV4Signature to throw');
    }

    it.each(wrongTypes)('%s with a TypeError', (_name, patch) => {
      const error = call(patch);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).not.toContain(secretKey);
    });

    it.each(badValues)('%s with SignError ERR_INPUT', (_name, patch) => {
      const error = call(patch);
      expect(error).toBeInstanceOf(SignError);
      expect((error as SignError).code).toBe('ERR_INPUT');
      expect((error as Error).message).not.toContain(secretKey);
    });

    it.each([undefined, 'x', 0])('a non-object input (%s) with a TypeError', (input) => {
      expect(() => cosV4Signature(input as unknown as CosV4SignatureInput)).toThrow(TypeError);
    });
  });
});
