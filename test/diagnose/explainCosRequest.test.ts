import COS from 'cos-nodejs-sdk-v5';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CosPart,
  type CosRequestParts,
  compareHttpStrings,
  explainCosRequest,
} from '../../lib/diagnose/explainCosRequest';
import { parseCosAuthorization } from '../../lib/diagnose/parseCosAuthorization';

// cos explain's core against signatures made by the official cos-nodejs-sdk-v5: every signature the
// SDK makes recomputes, and on requests altered on purpose the part that differs is found.

const KEY = {
  secretId: 'AKIDexplainFAKEsecretId0123456789',
  secretKey: 'explainFAKEsecretKey0123456789abcd',
};
const HOST = 'examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com';
const NOW = 1_700_000_000;
const KEY_TIME = `${NOW};${NOW + 600}`;

interface Signed {
  readonly method: string;
  readonly pathname: string;
  readonly query?: Record<string, string>;
  readonly headers?: Record<string, string>;
}

/** The official SDK's Authorization for a request (the reference signer of COS). */
function officialAuthorization(request: Signed, keyTime = KEY_TIME): string {
  return COS.getAuthorization({
    SecretId: KEY.secretId,
    SecretKey: KEY.secretKey,
    Method: request.method as COS.Method,
    Pathname: request.pathname,
    Query: request.query ?? {},
    Headers: request.headers ?? {},
    KeyTime: keyTime,
  });
}

function partsOf(request: Signed): CosRequestParts {
  return {
    method: request.method,
    pathname: request.pathname,
    query: Object.entries(request.query ?? {}),
    headers: Object.entries(request.headers ?? {}),
  };
}

const PUT: Signed = {
  method: 'PUT',
  pathname: '/users/alice/photo 1.png',
  query: { 'x-cos-traffic-limit': '819200' },
  headers: { Host: HOST, 'Content-Type': 'image/png', 'x-cos-meta-owner': 'alice' },
};

function explain(received: CosRequestParts, authorization: string, now = NOW + 10) {
  return explainCosRequest({ request: received, authorization, key: KEY, now });
}

describe('explainCosRequest on signatures of cos-nodejs-sdk-v5', () => {
  it('recomputes every signature the SDK makes (random requests)', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
    fc.assert(
      fc.property(
        fc.constantFrom('GET', 'HEAD', 'PUT', 'POST', 'DELETE'),
        fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 3 }),
        fc.dictionary(name, fc.string({ maxLength: 12 }), { maxKeys: 3 }),
        fc.dictionary(
          name.map((n) => `x-cos-meta-${n}`),
          fc.string({ maxLength: 12 }),
          { maxKeys: 3 },
        ),
        (method, segments, query, meta) => {
          const request: Signed = {
            method,
            pathname: `/${segments.join('/')}`,
            // Plain objects: fast-check's have no prototype, and the SDK calls obj.hasOwnProperty.
            query: { ...query },
            headers: { Host: HOST, ...meta },
          };
          const explanation = explain(partsOf(request), officialAuthorization(request));
          expect(explanation.problems).toEqual([]);
          expect(explanation.verdict).toBe('MATCH');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('rebuilds the HttpString and StringToSign of the reference vector cos-v5-auth-001', () => {
    const authorization = COS.getAuthorization({
      SecretId: 'AKIDQjz3ltompVjBni5LitkWHFlFpwkn9U5q',
      SecretKey: 'BQYIM75p8x0iWVFSIgqEKwFprpRSVHlz',
      Method: 'get',
      Key: 'exampleobject.txt',
      KeyTime: '1700000000;1700003600',
    });
    const explanation = explainCosRequest({
      request: { method: 'get', pathname: '/exampleobject.txt', query: [], headers: [] },
      authorization,
      key: {
        secretId: 'AKIDQjz3ltompVjBni5LitkWHFlFpwkn9U5q',
        secretKey: 'BQYIM75p8x0iWVFSIgqEKwFprpRSVHlz',
      },
      now: 1_700_000_001,
    });
    expect(explanation.verdict).toBe('MATCH');
    expect(explanation.httpString).toBe('get\n/exampleobject.txt\n\n\n');
    expect(explanation.stringToSign).toBe(
      'sha1\n1700000000;1700003600\n33c3d30ff98c21c42c19bc1bee7f4b04d412d3e5\n',
    );
  });

  it('says the time is over once the signature recomputes but its time has ended, or not begun', () => {
    const authorization = officialAuthorization(PUT);
    expect(explain(partsOf(PUT), authorization, NOW + 601).verdict).toBe('EXPIRED');
    expect(explain(partsOf(PUT), authorization, NOW - 5).verdict).toBe('NOT_YET_VALID');
    expect(explain(partsOf(PUT), authorization, NOW + 600).verdict).toBe('MATCH');
  });
});

describe('explainCosRequest finds the part that differs', () => {
  const authorization = officialAuthorization(PUT);
  const headers = Object.entries(PUT.headers ?? {});
  const received = (change: Partial<CosRequestParts>): CosRequestParts => ({ ...partsOf(PUT), ...change });
  const replaceHeader = (name: string, value: string) =>
    headers.map(([n, v]) => [n, n === name ? value : v] as const);

  it.each<[string, CosRequestParts, string, CosPart, string | undefined, RegExp]>([
    [
      'another method',
      received({ method: 'POST' }),
      authorization,
      'method',
      undefined,
      /for PUT requests; this request is POST/,
    ],
    [
      'the URL-encoded path signed instead of the decoded one',
      received({ pathname: PUT.pathname }),
      officialAuthorization({ ...PUT, pathname: '/users/alice/photo%201.png' }),
      'path',
      undefined,
      /URL-encoded path/,
    ],
    [
      'a path encoded twice on the way',
      received({ pathname: '/users/alice/photo%201.png' }),
      authorization,
      'path',
      undefined,
      /encoded twice/,
    ],
    [
      'a charset added to Content-Type by the browser',
      received({ headers: replaceHeader('Content-Type', 'image/png;charset=UTF-8') }),
      authorization,
      'header',
      'content-type',
      /signed "image\/png", the request sends "image\/png;charset=UTF-8"/,
    ],
    [
      'a Host with a port',
      received({ headers: replaceHeader('Host', `${HOST}:443`) }),
      authorization,
      'header',
      'host',
      /Host with a port/,
    ],
    [
      'a header value trimmed by the signer',
      received({ headers: replaceHeader('x-cos-meta-owner', ' alice ') }),
      authorization,
      'header',
      'x-cos-meta-owner',
      /trimmed/,
    ],
    [
      'a parameter value encoded once more on the way',
      received({ query: [['x-cos-traffic-limit', '8192%2000']] }),
      officialAuthorization({ ...PUT, query: { 'x-cos-traffic-limit': '8192 00' } }),
      'param',
      'x-cos-traffic-limit',
      /signed "8192 00", the request sends "8192%2000"/,
    ],
    [
      'q-sign-time changed after signing',
      partsOf(PUT),
      authorization.replace(/q-sign-time=\d+;\d+/, `q-sign-time=${NOW};${NOW + 3600}`),
      'time',
      undefined,
      /q-sign-time .* was changed after signing/,
    ],
    [
      'q-key-time changed after signing',
      partsOf(PUT),
      authorization.replace(/q-key-time=\d+;\d+/, `q-key-time=${NOW};${NOW + 3600}`),
      'time',
      undefined,
      /q-key-time .* was changed after signing/,
    ],
    [
      'a header taken out of q-header-list',
      partsOf(PUT),
      authorization.replace(
        'q-header-list=content-type;host;x-cos-meta-owner',
        'q-header-list=content-type;host',
      ),
      'header list',
      undefined,
      /signed the headers "content-type;host;x-cos-meta-owner"/,
    ],
    [
      'a parameter taken out of q-url-param-list',
      partsOf(PUT),
      authorization.replace('q-url-param-list=x-cos-traffic-limit', 'q-url-param-list='),
      'param list',
      undefined,
      /signed the URL parameters "x-cos-traffic-limit"/,
    ],
  ])('%s', (_what, request, auth, part, name, message) => {
    const explanation = explain(request, auth);
    expect(explanation.verdict).toBe('MISMATCH');
    expect(explanation.cause?.part).toBe(part);
    expect(explanation.cause?.name).toBe(name);
    expect(explanation.cause?.message).toMatch(message);
  });

  it('names the SecretId when another key signed, without trying anything else', () => {
    const other = COS.getAuthorization({
      SecretId: 'AKIDanotherFAKEkey000000000000000',
      SecretKey: 'another',
      Method: 'PUT',
      Pathname: PUT.pathname,
      Headers: PUT.headers ?? {},
      Query: PUT.query ?? {},
      KeyTime: KEY_TIME,
    });
    const explanation = explain(partsOf(PUT), other);
    expect(explanation.verdict).toBe('MISMATCH');
    expect(explanation.problems).toEqual([expect.objectContaining({ part: 'q-ak' })]);
    expect(explanation.problems[0]?.message).toContain('AKIDan…000');
    expect(explanation.problems[0]?.message).not.toContain('AKIDanotherFAKEkey');
    expect(explanation.cause).toBeUndefined();
  });

  it('finds no cause for a value changed beyond the common mistakes, and the comparison then names it', () => {
    const signed: Signed = { ...PUT, headers: { ...PUT.headers, 'Content-Type': 'image/jpeg' } };
    const explanation = explainCosRequest({
      request: partsOf(PUT),
      authorization: officialAuthorization(signed),
      key: KEY,
      now: NOW,
      signerHttpString: explainCosRequest({
        request: partsOf(signed),
        authorization: officialAuthorization(signed),
        now: NOW,
      }).httpString as string,
    });
    expect(explanation.verdict).toBe('MISMATCH');
    expect(explanation.cause).toBeUndefined();
    expect(explanation.differences).toEqual([
      {
        part: 'header',
        name: 'content-type',
        message: 'header content-type: the signer signed "image/jpeg", COS sees "image/png"',
      },
    ]);
  });

  it('reports a listed header the request does not send, and signed headers it sends unsigned', () => {
    const explanation = explain(
      received({
        headers: [
          ['Host', HOST],
          ['Content-Type', 'image/png'],
          ['Content-MD5', 'abc=='],
        ],
      }),
      authorization,
    );
    expect(explanation.problems).toContainEqual(
      expect.objectContaining({ part: 'header', name: 'x-cos-meta-owner' }),
    );
    expect(explanation.unsigned.headers).toEqual(['content-md5']);
  });

  it('checks the form and times without a key, and never computes a signature', () => {
    const explanation = explainCosRequest({ request: partsOf(PUT), authorization, now: NOW + 601 });
    expect(explanation.verdict).toBe('UNCHECKED');
    expect(explanation.problems).toEqual([expect.objectContaining({ part: 'time' })]);
    expect(explanation.stringToSign).toMatch(/^sha1\n\d+;\d+\n[0-9a-f]{40}\n$/);
  });

  it('refuses an Authorization it cannot read', () => {
    expect(explain(partsOf(PUT), 'q-sign-algorithm=sha1&q-ak=x').verdict).toBe('INVALID');
    const badName = authorization.replace(
      'q-header-list=content-type;host;x-cos-meta-owner',
      'q-header-list=a b',
    );
    expect(explain(partsOf(PUT), badName).verdict).toBe('INVALID');
  });
});

describe('parseCosAuthorization', () => {
  it('reads every field, also percent-encoded as in a pre-signed URL', () => {
    const authorization = officialAuthorization(PUT);
    const encoded = authorization.replace(/;/g, '%3B');
    expect(parseCosAuthorization(encoded)).toEqual(parseCosAuthorization(authorization));
    expect(parseCosAuthorization(authorization)).toMatchObject({
      problems: [],
      fields: {
        algorithm: 'sha1',
        secretId: KEY.secretId,
        signTime: { start: NOW, end: NOW + 600 },
        headerList: ['content-type', 'host', 'x-cos-meta-owner'],
        urlParamList: ['x-cos-traffic-limit'],
      },
    });
  });

  it.each([
    ['', /empty/],
    ['q-sign-algorithm=sha256', /sha1/],
    ['q-sign-time=1;x', /q-sign-time is not/],
    ['q-key-time=9;1', /starts after it ends/],
    ['q-signature=XYZ', /40 lower-case hex/],
    ['q-header-list=Host', /upper-case/],
    ['q-header-list=host;content-type', /not sorted/],
    ['q-ak=a&q-ak=b', /more than once/],
    ['q-extra=1', /unknown field/],
  ])('names the problem of %j', (text, problem) => {
    expect(parseCosAuthorization(text).problems.join('\n')).toMatch(problem);
  });
});

describe('compareHttpStrings', () => {
  it('compares part by part and accepts line breaks written as \\n', () => {
    expect(compareHttpStrings('get\\n/a\\nx=1\\nhost=h\\n', 'put\n/b\nx=2\nhost=h&range=bytes\n')).toEqual([
      expect.objectContaining({ part: 'method' }),
      expect.objectContaining({ part: 'path' }),
      expect.objectContaining({ part: 'param', name: 'x' }),
      expect.objectContaining({ part: 'header', name: 'range' }),
    ]);
    expect(compareHttpStrings('get\n/a\n\n\n', 'get\n/a\n\n\n')).toEqual([]);
    expect(compareHttpStrings('only one line', 'get\n/a\n\n\n')).toHaveLength(1);
  });
});
