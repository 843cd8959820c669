import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CosSignRules, checkCosRequest } from '../../lib/policy/checkCosRequest';
import { DEFAULT_COS_SIGN_OPERATIONS } from '../../lib/policy/cosOperations';
import {
  DEFAULT_COS_SIGN_ALLOWLIST,
  DEFAULT_UPLOAD_CONTENT_TYPES,
  headerMatches,
} from '../../lib/policy/cosSignAllowlist';
import { PolicyError } from '../../lib/policy/PolicyError';
import { expectPolicyError } from './expectPolicyError';

const HOST = 'uploads-1250000000.cos.ap-guangzhou.myqcloud.com';
const rules: CosSignRules = {
  operations: DEFAULT_COS_SIGN_OPERATIONS,
  allowlist: DEFAULT_COS_SIGN_ALLOWLIST,
  maxUploadBytes: 1000,
  uploadContentTypes: DEFAULT_UPLOAD_CONTENT_TYPES,
};
const UA = 'cos-nodejs-sdk-v5-3.0.0';
type Description = {
  method: string;
  headers?: Record<string, string | number>;
  query?: Record<string, string | number>;
};
const check = (request: Description, overrides: Partial<CosSignRules> = {}) =>
  checkCosRequest({ ...request, host: HOST, rules: { ...rules, ...overrides } });

/** What cos-nodejs-sdk-v5 3.0.0 passes to getAuthorization, recorded from the SDK (see the README). */
const SDK_DESCRIPTIONS: readonly [string, Description, string][] = [
  [
    'putObject',
    {
      method: 'PUT',
      query: {},
      headers: { 'Content-Type': 'image/png', 'Content-Length': 5, 'User-Agent': UA, Host: HOST },
    },
    'PutObject',
  ],
  ['getObject', { method: 'GET', query: {}, headers: { 'User-Agent': UA, Host: HOST } }, 'GetObject'],
  [
    'headObject',
    { method: 'HEAD', query: {}, headers: { 'User-Agent': UA, 'Content-Length': 0, Host: HOST } },
    'HeadObject',
  ],
  [
    'multipartInit',
    {
      method: 'POST',
      query: { uploads: '' },
      headers: { 'Content-Type': 'video/mp4', 'User-Agent': UA, 'Content-Length': 0, Host: HOST },
    },
    'InitiateMultipartUpload',
  ],
  [
    'multipartUpload',
    {
      method: 'PUT',
      query: { partNumber: 1, uploadId: 'up123' },
      headers: { 'User-Agent': UA, 'Content-Length': 10, Host: HOST },
    },
    'UploadPart',
  ],
  [
    'multipartComplete',
    {
      method: 'POST',
      query: { uploadId: 'up123' },
      headers: {
        'Content-Type': 'application/xml',
        'Content-MD5': 'uxSvG43d4nA+PuFeJ0mWSA==',
        'User-Agent': UA,
        'Content-Length': 118,
        Host: HOST,
      },
    },
    'CompleteMultipartUpload',
  ],
  [
    'multipartListPart',
    { method: 'GET', query: { uploadId: 'up123' }, headers: { 'User-Agent': UA, Host: HOST } },
    'ListParts',
  ],
  [
    'multipartAbort',
    {
      method: 'DELETE',
      query: { uploadId: 'up123' },
      headers: { 'User-Agent': UA, 'Content-Length': 0, Host: HOST },
    },
    'AbortMultipartUpload',
  ],
  [
    'getObject with a download name',
    {
      method: 'GET',
      query: { 'response-content-disposition': 'attachment' },
      headers: { 'User-Agent': UA, Host: HOST },
    },
    'GetObject',
  ],
];

describe('checkCosRequest', () => {
  it.each(
    SDK_DESCRIPTIONS,
  )('accepts the SDK description of %s unchanged', (_name, description, operation) => {
    const plan = check(description);
    expect(plan.operation).toBe(operation);
    // The server's Host, then the client's headers as strings; User-Agent is not signed.
    expect(plan.headers.Host).toBe(HOST);
    expect(Object.keys(plan.headers)).not.toContain('User-Agent');
    for (const [name, value] of Object.entries(description.headers ?? {})) {
      if (name !== 'User-Agent' && name !== 'Host') expect(plan.headers[name]).toBe(String(value));
    }
    expect(plan.query).toEqual(
      Object.fromEntries(Object.entries(description.query ?? {}).map(([k, v]) => [k, String(v)])),
    );
  });

  it('refuses a Host other than the signed one', () => {
    for (const host of [
      'other-1250000000.cos.ap-guangzhou.myqcloud.com',
      `${HOST}:443`,
      HOST.toUpperCase(),
      '',
    ]) {
      expect(
        expectPolicyError(() => check({ method: 'GET', headers: { Host: host } }), 'HEADER_NOT_ALLOWED')
          .message,
      ).toContain('Host');
    }
  });

  it.each([
    ['copy', 'x-cos-copy-source'],
    ['copy', 'X-COS-COPY-SOURCE'],
    ['copy', 'x-cos-copy-source-If-Match'],
    ['copy', 'x-cos-metadata-directive'],
    ['ACL', 'x-cos-acl'],
    ['ACL', 'X-Cos-Grant-Read'],
    ['ACL', 'x-cos-grant-full-control'],
    ['image processing', 'Pic-Operations'],
    ['image processing', 'pic-operations'],
    ['tagging', 'x-cos-tagging'],
    ['storage class', 'x-cos-storage-class'],
    ['SSE-C', 'x-cos-server-side-encryption-customer-algorithm'],
    ['SSE-C', 'x-cos-server-side-encryption-customer-key'],
    ['SSE-KMS', 'x-cos-server-side-encryption'],
    ['SSE-KMS', 'x-cos-server-side-encryption-cos-kms-key-id'],
    ['redirect', 'x-cos-website-redirect-location'],
    ['traffic limit', 'x-cos-traffic-limit'],
    ['the token', 'x-cos-security-token'],
    ['the signature', 'Authorization'],
    ['chunked uploads', 'Transfer-Encoding'],
    ['other', 'x-ci-security-token'],
    ['other', 'Origin'],
    ['other', 'Expect'],
  ])('refuses a %s header on a PUT: %s', (_family, name) => {
    const headers = { 'Content-Type': 'image/png', 'Content-Length': 1, [name]: 'x' };
    const { message } = expectPolicyError(() => check({ method: 'PUT', headers }), 'HEADER_NOT_ALLOWED');
    expect(message).toBe(`header ${name} is not allowed on PUT`);
  });

  it.each([
    ['GET', 'acl'],
    ['GET', 'ACL'],
    ['PUT', 'acl'],
    ['GET', 'tagging'],
    ['PUT', 'Tagging'],
    ['DELETE', 'tagging'],
    ['GET', 'versionId'],
    ['GET', 'response-content-type'],
    ['GET', 'Response-Content-Type'],
    ['GET', 'response-content-encoding'],
    ['GET', 'response-content-language'],
    ['GET', 'ci-process'],
    ['GET', 'imageMogr2'],
    ['GET', 'x-cos-traffic-limit'],
    ['POST', 'restore'],
    ['POST', 'select'],
    ['PUT', 'append'],
    ['GET', 'prefix'],
    ['HEAD', 'response-cache-control'],
  ])('refuses the %s parameter %s', (method, name) => {
    const headers = method === 'PUT' ? { 'Content-Type': 'image/png', 'Content-Length': 1 } : {};
    const { message } = expectPolicyError(
      () => check({ method, headers, query: { [name]: '' } }),
      'QUERY_NOT_ALLOWED',
    );
    expect(message).toBe(`parameter ${name} is not allowed on ${method}`);
  });

  it('refuses case variants of the multipart parameters: COS may not read them as such', () => {
    for (const name of ['UploadId', 'UPLOADID', 'uploadid', 'PartNumber', 'Uploads']) {
      expectPolicyError(() => check({ method: 'DELETE', query: { [name]: 'up123' } }), 'QUERY_NOT_ALLOWED');
    }
  });

  it('matches allowlisted names ignoring case', () => {
    const plan = check({
      method: 'GET',
      headers: {
        range: 'bytes=0-9',
        'IF-NONE-MATCH': '"e"',
        'if-modified-since': 'Wed, 21 Oct 2015 07:28:00 GMT',
      },
      query: { 'Response-Cache-Control': 'no-cache', 'RESPONSE-EXPIRES': 'x' },
    });
    expect(plan.headers).toMatchObject({ range: 'bytes=0-9', 'IF-NONE-MATCH': '"e"' });
    expect(plan.query).toEqual({ 'Response-Cache-Control': 'no-cache', 'RESPONSE-EXPIRES': 'x' });
    expect(
      check({
        method: 'PUT',
        headers: {
          'content-type': 'IMAGE/PNG; charset=binary',
          'CONTENT-LENGTH': '5',
          'X-Cos-Meta-Owner': 'a',
        },
      }).operation,
    ).toBe('PutObject');
  });

  it('never signs bucket-level or unlisted operations', () => {
    // A POST without a sub-resource is a form upload (PostObject).
    expectPolicyError(
      () => check({ method: 'POST', headers: { 'Content-Type': 'image/png' } }),
      'OPERATION_NOT_ALLOWED',
    );
    // DeleteObject is opt-in.
    expectPolicyError(() => check({ method: 'DELETE' }), 'OPERATION_NOT_ALLOWED');
    expect(
      check({ method: 'DELETE' }, { operations: [...DEFAULT_COS_SIGN_OPERATIONS, 'DeleteObject'] }).operation,
    ).toBe('DeleteObject');
    // Combinations that are no object operation.
    expectPolicyError(
      () => check({ method: 'PUT', query: { uploadId: 'u' }, headers: { 'Content-Length': 1 } }),
      'OPERATION_NOT_ALLOWED',
    );
    expectPolicyError(() => check({ method: 'GET', query: { uploads: '' } }), 'OPERATION_NOT_ALLOWED');
    expectPolicyError(
      () => check({ method: 'POST', query: { uploads: '', uploadId: 'u' } }),
      'OPERATION_NOT_ALLOWED',
    );
    expectPolicyError(() => check({ method: 'HEAD', query: { partNumber: 1 } }), 'OPERATION_NOT_ALLOWED');
    // A method of no enabled operation.
    expectPolicyError(() => check({ method: 'GET' }, { operations: ['PutObject'] }), 'METHOD_NOT_ALLOWED');
    for (const method of ['OPTIONS', 'PATCH', 'get ', 'poſt'])
      expectPolicyError(() => check({ method }), 'METHOD_NOT_ALLOWED');
  });

  it('checks the values of the multipart parameters', () => {
    const part = (partNumber: string | number) =>
      check({ method: 'PUT', query: { partNumber, uploadId: 'up' }, headers: { 'Content-Length': 1 } });
    expect(part('10000').query.partNumber).toBe('10000');
    for (const bad of [0, 10_001, '01', '1.5', -1, '1e3', '', ' 1'])
      expectPolicyError(() => part(bad), 'QUERY_NOT_ALLOWED');
    expectPolicyError(
      () => check({ method: 'POST', query: { uploads: 'x' }, headers: { 'Content-Type': 'image/png' } }),
      'QUERY_NOT_ALLOWED',
    );
    for (const bad of ['', 'a b', 'x'.repeat(257), 7]) {
      expectPolicyError(() => check({ method: 'DELETE', query: { uploadId: bad } }), 'QUERY_NOT_ALLOWED');
    }
  });

  it('requires a signed Content-Length of at most the maximum on every upload', () => {
    expect(
      expectPolicyError(
        () => check({ method: 'PUT', headers: { 'Content-Type': 'image/png' } }),
        'CONTENT_LENGTH_REQUIRED',
      ).message,
    ).toBe('PutObject must sign a Content-Length');
    expectPolicyError(
      () => check({ method: 'PUT', query: { partNumber: 1, uploadId: 'u' } }),
      'CONTENT_LENGTH_REQUIRED',
    );
    for (const bad of ['-1', '1.0', '01', 'abc', '1e3', 1.5, -1]) {
      expectPolicyError(
        () => check({ method: 'PUT', headers: { 'Content-Type': 'image/png', 'Content-Length': bad } }),
        typeof bad === 'number' ? 'HEADER_NOT_ALLOWED' : 'CONTENT_LENGTH_REQUIRED',
      );
    }
    expect(
      check({ method: 'PUT', headers: { 'Content-Type': 'image/png', 'Content-Length': 1000 } }).operation,
    ).toBe('PutObject');
    expect(
      expectPolicyError(
        () => check({ method: 'PUT', headers: { 'Content-Type': 'image/png', 'Content-Length': 1001 } }),
        'UPLOAD_TOO_LARGE',
      ).message,
    ).toBe('Content-Length must be at most 1000 bytes');
    expectPolicyError(
      () =>
        check({
          method: 'PUT',
          query: { partNumber: 2, uploadId: 'u' },
          headers: { 'Content-Length': '1001' },
        }),
      'UPLOAD_TOO_LARGE',
    );
    // Reads need none.
    expect(check({ method: 'GET' }).operation).toBe('GetObject');
  });

  it('requires an allowlisted Content-Type on PutObject and InitiateMultipartUpload', () => {
    const put = (contentType?: string) =>
      check({
        method: 'PUT',
        headers: {
          'Content-Length': 1,
          ...(contentType === undefined ? {} : { 'Content-Type': contentType }),
        },
      });
    const initiate = (contentType: string) =>
      check({ method: 'POST', query: { uploads: '' }, headers: { 'Content-Type': contentType } });
    expectPolicyError(() => put(), 'CONTENT_TYPE_REQUIRED');
    expectPolicyError(() => check({ method: 'POST', query: { uploads: '' } }), 'CONTENT_TYPE_REQUIRED');
    for (const active of [
      'text/html',
      'TEXT/HTML',
      'text/html; charset=utf-8',
      'image/svg+xml',
      'application/xhtml+xml',
      'text/xml',
      'application/xml',
      'text/javascript',
      'application/javascript',
      'multipart/x-mixed-replace',
      'image/png, text/html',
      'image/png;text/html',
      'image/*',
      '*/*',
      'image/png; charset="x',
      'text/plain\tx',
    ]) {
      expectPolicyError(() => put(active), 'CONTENT_TYPE_NOT_ALLOWED');
      expectPolicyError(() => initiate(active), 'CONTENT_TYPE_NOT_ALLOWED');
    }
    expect(put('image/jpeg').operation).toBe('PutObject');
    expect(put('text/plain; charset=utf-8').operation).toBe('PutObject');
    expect(put('application/octet-stream').operation).toBe('PutObject');
    // Parts and the XML body of a completion carry no object type.
    expect(
      check({ method: 'POST', query: { uploadId: 'u' }, headers: { 'Content-Type': 'application/xml' } })
        .operation,
    ).toBe('CompleteMultipartUpload');
  });

  it('signs only what is allowed: random descriptions never carry an unlisted name', () => {
    const names = fc.constantFrom(
      'Content-Type',
      'content-length',
      'x-cos-meta-a',
      'x-cos-acl',
      'x-cos-copy-source',
      'Range',
      'If-Match',
      'Pic-Operations',
      'x-cos-storage-class',
      'User-Agent',
      'Host',
    );
    const params = fc.constantFrom(
      'uploads',
      'uploadId',
      'partNumber',
      'acl',
      'response-expires',
      'max-parts',
      'UploadId',
    );
    fc.assert(
      fc.property(
        fc.constantFrom('GET', 'HEAD', 'PUT', 'POST', 'DELETE'),
        fc.dictionary(names, fc.constantFrom('image/png', '1', HOST, '')),
        fc.dictionary(params, fc.constantFrom('', '1', 'u')),
        (method, headers, query) => {
          let plan: ReturnType<typeof check>;
          try {
            plan = check({ method, headers, query });
          } catch (error) {
            expect(error).toBeInstanceOf(PolicyError);
            return;
          }
          const allowed = DEFAULT_COS_SIGN_ALLOWLIST[method as 'GET'];
          for (const name of Object.keys(plan.headers)) {
            expect(name === 'Host' || allowed?.headers.some((entry) => headerMatches(name, entry))).toBe(
              true,
            );
          }
          for (const name of Object.keys(plan.query)) {
            expect(
              ['uploads', 'uploadId', 'partNumber'].includes(name) ||
                allowed?.query.includes(name.toLowerCase()),
            ).toBe(true);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('headerMatches', () => {
  it('matches names ignoring case and prefix patterns only with something after the prefix', () => {
    expect(headerMatches('x-cos-meta-a', 'x-cos-meta-*')).toBe(true);
    expect(headerMatches('X-COS-META-A', 'x-cos-meta-*')).toBe(true);
    expect(headerMatches('x-cos-meta-', 'x-cos-meta-*')).toBe(false);
    expect(headerMatches('x-cos-metadata-directive', 'x-cos-meta-*')).toBe(false);
    expect(headerMatches('If-Match', 'If-*')).toBe(true);
    expect(headerMatches('content-type', 'Content-Type')).toBe(true);
    expect(headerMatches('content-types', 'Content-Type')).toBe(false);
  });
});
