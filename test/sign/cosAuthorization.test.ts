import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type CosAuthorizationInput, cosAuthorization } from '../../lib/sign/cosAuthorization';
import { type CosParams, cosHttpString } from '../../lib/sign/cosHttpString';
import { SignError } from '../../lib/sign/SignError';

// Known answers produced by cos-nodejs-sdk-v5@3.0.0 `COS.getAuthorization` (source named per vector).
interface CosV5Vector {
  readonly id: string;
  readonly kind: string;
  readonly inputs: {
    readonly secretId: string;
    readonly secretKey: string;
    readonly method?: string;
    readonly key?: string;
    readonly pathname?: string;
    readonly query?: CosParams;
    readonly headers?: CosParams;
    readonly keyTime?: string;
    readonly expires?: number;
    readonly bucket?: string;
    readonly region?: string;
    readonly forceSignHost?: boolean;
    readonly useRawKey?: boolean;
    readonly clockMs: number;
  };
  readonly expected: string;
  readonly intermediate: { readonly formatString: string };
  readonly source: string;
}

const fixtures = JSON.parse(
  readFileSync(new URL('../fixtures/tencent-sig-vectors.json', import.meta.url), 'utf8'),
) as { vectors: CosV5Vector[] };
const vectors = fixtures.vectors.filter((vector) => vector.kind === 'cos-v5-auth');

/** Translates a vector's SDK options into our API, doing what the SDK does on the caller's behalf. */
function toInput(vector: CosV5Vector): CosAuthorizationInput {
  const { inputs } = vector;
  const key = inputs.key ?? '';
  const pathname = inputs.useRawKey
    ? inputs.pathname || `/${key}`
    : ((path) => (path.startsWith('/') ? path : `/${path}`))(inputs.pathname || key);

  let startTime: number;
  let endTime: number;
  if (inputs.keyTime === undefined) {
    // The SDK's default window: round(now) - 1, then 900 s unless Expires is a non-zero number.
    startTime = Math.round(inputs.clockMs / 1000) - 1;
    endTime = startTime + (inputs.expires ? inputs.expires : 900);
  } else {
    [startTime, endTime] = inputs.keyTime.split(';').map(Number) as [number, number];
  }

  const headers: Record<string, string | number> = { ...inputs.headers };
  // The SDK adds Host from Bucket/Region; our API leaves that to the caller.
  if (!headers.Host && !headers.host && inputs.bucket && inputs.region && inputs.forceSignHost !== false) {
    headers.Host = `${inputs.bucket}.cos.${inputs.region}.myqcloud.com`;
  }

  return {
    secretId: inputs.secretId,
    secretKey: inputs.secretKey,
    method: inputs.method ?? 'get',
    pathname,
    headers,
    startTime,
    endTime,
    ...(inputs.query === undefined ? {} : { query: inputs.query }),
  };
}

describe('cosAuthorization', () => {
  it('has known-answer vectors to check', () => {
    expect(vectors.length).toBeGreaterThan(0);
  });

  it.each(
    vectors.map((vector) => [vector.id, vector] as const),
  )('reproduces %s from cos-nodejs-sdk-v5', (_id, vector) => {
    const input = toInput(vector);
    expect(cosAuthorization(input)).toBe(vector.expected);

    const { httpString, headerList, urlParamList } = cosHttpString({
      method: input.method,
      pathname: input.pathname,
      query: input.query ?? {},
      headers: input.headers ?? {},
    });
    expect(httpString).toBe(vector.intermediate.formatString);
    expect(vector.expected).toContain(`&q-header-list=${headerList}&q-url-param-list=${urlParamList}&`);
  });

  const base = {
    secretId: 'AKIDQjz3ltompVjBni5LitkWHFlFpwkn9U5q',
    secretKey: 'BQYIM75p8x0iWVFSIgqEKwFprpRSVHlz',
    method: 'GET',
    pathname: '/exampleobject.txt',
    headers: { Host: 'examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com' },
    startTime: 1_700_000_000,
    endTime: 1_700_003_600,
  } satisfies CosAuthorizationInput;

  it('ignores headers that COS does not sign', () => {
    const withExtra = cosAuthorization({
      ...base,
      headers: { ...base.headers, 'User-Agent': 'test', Accept: '*/*', Authorization: 'old' },
    });
    expect(withExtra).toBe(cosAuthorization(base));
  });

  it('signs any header whose name contains x-cos- or x-ci-', () => {
    const authorization = cosAuthorization({
      ...base,
      headers: { 'Foo-X-Cos-Bar': '1', 'x-ci-thing': '2', 'X-COS-ACL': 'private' },
    });
    expect(authorization).toContain('&q-header-list=foo-x-cos-bar;x-ci-thing;x-cos-acl&');
  });

  it('treats header names case-insensitively and numbers like their decimal text', () => {
    const upper = cosAuthorization({
      ...base,
      headers: { HOST: base.headers.Host },
      query: { 'Max-Keys': 20 },
    });
    const lower = cosAuthorization({
      ...base,
      headers: { host: base.headers.Host },
      query: { 'max-keys': '20' },
    });
    expect(upper).toBe(lower);
  });

  it('adds no Host header of its own', () => {
    const authorization = cosAuthorization({ ...base, headers: {} });
    expect(authorization).toContain('&q-header-list=&q-url-param-list=&');
  });

  it('treats a missing query like an empty one and accepts null-prototype objects', () => {
    const headers: Record<string, string> = Object.create(null);
    headers.Host = base.headers.Host;
    expect(cosAuthorization({ ...base, headers, query: {} })).toBe(cosAuthorization(base));
  });

  it('accepts a window of zero length', () => {
    expect(cosAuthorization({ ...base, endTime: base.startTime })).toContain(
      'q-sign-time=1700000000;1700000000&q-key-time=1700000000;1700000000&',
    );
  });

  describe('rejects', () => {
    const secretKey = base.secretKey;
    const proto = JSON.parse('{"__proto__": "x"}') as CosParams;
    const wrongTypes: [string, Record<string, unknown>][] = [
      ['a missing secretId', { secretId: undefined }],
      ['a numeric secretKey', { secretKey: 42 }],
      ['a missing method', { method: undefined }],
      ['a non-string pathname', { pathname: ['/a'] }],
      ['a query given as an array', { query: [['a', '1']] }],
      ['a query given as a Map', { query: new Map([['a', '1']]) }],
      ['a null query', { query: null }],
      ['headers given as a string', { headers: 'Host: x' }],
      ['a boolean query value', { query: { a: true } }],
      ['a null header value', { headers: { 'x-cos-acl': null } }],
      ['an undefined query value', { query: { a: undefined } }],
      ['a bigint header value', { headers: { 'content-length': 1n } }],
      ['a startTime given as a string', { startTime: '1700000000' }],
      ['a bigint endTime', { endTime: 1_700_003_600n }],
    ];
    const badValues: [string, Record<string, unknown>][] = [
      ['an empty secretId', { secretId: '' }],
      ['an empty secretKey', { secretKey: '' }],
      ['a secretId with a space', { secretId: 'AKID abc' }],
      ['a secretId with "&"', { secretId: 'AKID&q-ak=x' }],
      ['a secretKey with a space', { secretKey: `${secretKey} ` }],
      ['a secretKey with a tab', { secretKey: `${secretKey}\t` }],
      ['a secretKey with a newline', { secretKey: `${secretKey}\n` }],
      ['a secretKey with a no-break space', { secretKey: `${secretKey}\u00a0` }],
      ['a secretKey with a NUL', { secretKey: `${secretKey}\u0000` }],
      ['a secretKey with a lone surrogate', { secretKey: `${secretKey}\ud800` }],
      ['an empty method', { method: '' }],
      ['a method with a space', { method: 'GET ' }],
      ['a method with a digit', { method: 'G3T' }],
      ['a method with a hyphen', { method: 'M-SEARCH' }],
      ['a pathname without a leading slash', { pathname: 'exampleobject.txt' }],
      ['an empty pathname', { pathname: '' }],
      ['a pathname with a newline', { pathname: '/a\nb' }],
      ['a pathname with a NUL', { pathname: '/a\u0000' }],
      ['a pathname with a lone surrogate', { pathname: '/\udc00.txt' }],
      ['a query name with a space', { query: { 'a b': '1' } }],
      ['a query name with "="', { query: { 'a=b': '1' } }],
      ['an empty query name', { query: { '': '1' } }],
      ['a non-ASCII query name', { query: { ä: '1' } }],
      ['an own "__proto__" query name', { query: proto }],
      ['query names equal ignoring case', { query: { prefix: 'a', Prefix: 'b' } }],
      ['header names equal ignoring case', { headers: { Host: 'a', host: 'a' } }],
      ['a header name outside the charset, even an unsigned one', { headers: { 'User Agent': 'x' } }],
      ['a NaN query value', { query: { 'max-keys': Number.NaN } }],
      ['an infinite header value', { headers: { 'content-length': Number.POSITIVE_INFINITY } }],
      ['a negative infinite query value', { query: { a: Number.NEGATIVE_INFINITY } }],
      ['a query value with a lone surrogate', { query: { prefix: 'a\ud83d' } }],
      ['a negative startTime', { startTime: -1 }],
      ['a fractional startTime', { startTime: 1_700_000_000.5 }],
      ['a NaN endTime', { endTime: Number.NaN }],
      ['an unsafe endTime', { endTime: 2 ** 53 }],
      ['an endTime before startTime', { endTime: base.startTime - 1 }],
    ];

    function call(patch: Record<string, unknown>): unknown {
      try {
        cosAuthorization({ ...base, ...patch } as unknown as CosAuthorizationInput);
      } catch (error) {
        return error;
      }
      throw new Error('expected cosAuthorization to throw');
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
      const badKey = patch.secretKey;
      if (typeof badKey === 'string' && badKey.length > 0)
        expect((error as Error).message).not.toContain(badKey);
    });

    it.each([null, 'GET /', 42])('a non-object input (%s) with a TypeError', (input) => {
      expect(() => cosAuthorization(input as unknown as CosAuthorizationInput)).toThrow(TypeError);
    });
  });
});
