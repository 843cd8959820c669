import { createHmac } from 'node:crypto';
import COS from 'cos-nodejs-sdk-v5';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { createCosKeys } from '../../lib/cos/createCosKeys';
import { createTemporaryKeyCache } from '../../lib/cos/createTemporaryKeyCache';
import type { StsClient, TemporaryKeyRequest } from '../../lib/cos/StsClient';
import { StsError } from '../../lib/cos/StsError';
import { HttpError } from '../../lib/http/HttpError';
import { PolicyError } from '../../lib/policy/PolicyError';
import type { Principal } from '../../lib/session/Principal';
import { parseCosSignRequest } from '../../lib/tokens/cosSignRequest';
import {
  type CosSignV4Response,
  type CosSignV5Response,
  type IssueCosSignatureInput,
  issueCosSignature,
} from '../../lib/tokens/issueCosSignature';
import { expectPolicyRejection } from '../policy/expectPolicyError';
import { COS_HOST, config, cosSecret, NOW } from './fixtures';

const alice: Principal = { userId: 'alice' };
/** The local configuration signs with the bucket key (no STS). */
const bucketKeys = createCosKeys({ settings: config.cos });
const onceConfig = loadConfig({ COS_V4_ONCE_ENABLED: 'true' });

const issue = (
  body: unknown,
  options: {
    principal?: Principal;
    randomInt?: () => number;
    config?: IssueCosSignatureInput['config'];
    keys?: IssueCosSignatureInput['keys'];
  } = {},
) =>
  issueCosSignature({
    principal: options.principal ?? alice,
    request: parseCosSignRequest(body),
    secret: cosSecret,
    config: options.config ?? onceConfig,
    keys: options.keys ?? bucketKeys,
    now: NOW,
    ...(options.randomInt ? { randomInt: options.randomInt } : {}),
  });
const issueV5 = async (body: object, principal?: Principal) =>
  (await issue(body, principal ? { principal } : {})) as CosSignV5Response;
const issueV4 = async (body: object, randomInt?: () => number) =>
  (await issue({ version: 'v4', ...body }, randomInt ? { randomInt } : {})) as CosSignV4Response;

/** Splits a v4 signature into its MAC and plain text, checking the MAC. */
function openV4(signature: string): string {
  const bytes = Buffer.from(signature, 'base64');
  const plainText = bytes.subarray(20).toString('utf8');
  const mac = createHmac('sha1', cosSecret.secretKey).update(plainText).digest();
  expect(bytes.subarray(0, 20).equals(mac)).toBe(true);
  return plainText;
}

/** A stub STS (the real client is tested against the loopback STS in test/cos). */
function stubSts() {
  const requests: TemporaryKeyRequest[] = [];
  const sts: StsClient = {
    issue: async (request) => {
      requests.push(request);
      return {
        tmpSecretId: `AKIDtmp${requests.length}`,
        tmpSecretKey: `tmp-key-${requests.length}`,
        securityToken: `token-${requests.length}`,
        startTime: NOW,
        expiredTime: NOW + request.durationSeconds,
      };
    },
  };
  return { sts, requests };
}

describe('issueCosSignature (v5)', () => {
  it('signs the request with the server Host and reports what to send', async () => {
    const response = await issueV5({
      method: 'put',
      key: 'users/alice/photos/猫 1.jpg',
      headers: { 'Content-Type': 'image/jpeg', 'Content-Length': 12 },
    });
    expect(response).toEqual({
      version: 'v5',
      authorization: expect.stringMatching(/^q-sign-algorithm=sha1&q-ak=AKIDtestSecretIdNotReal&/),
      method: 'PUT',
      key: 'users/alice/photos/猫 1.jpg',
      url: `https://${COS_HOST}/users/alice/photos/%E7%8C%AB%201.jpg`,
      headers: { Host: COS_HOST, 'Content-Type': 'image/jpeg', 'Content-Length': '12' },
      expiresAt: NOW + 600,
      serverTime: NOW,
      refreshAfter: NOW + 480,
    });
    expect(response.authorization).toContain(`&q-sign-time=${NOW - 1};${NOW + 600}&`);
    expect(response.authorization).toContain('&q-header-list=content-length;content-type;host&');
  });

  it('equals COS.getAuthorization of cos-nodejs-sdk-v5 for the same request, Host included', async () => {
    const requests = [
      {
        method: 'GET',
        key: 'users/alice/a.txt',
        query: { 'response-content-disposition': 'attachment; filename="a b.txt"' },
      },
      { method: 'head', key: 'users/alice/dir/', expire: 3600 },
      {
        method: 'POST',
        key: "users/alice/it's (1)*!+=&?#.txt",
        headers: {
          'Content-Type': 'text/plain; charset=utf-8',
          'x-cos-meta-note': 'a  b',
          'User-Agent': 'x',
        },
        query: { uploads: '' },
        expire: 1,
      },
      {
        method: 'PUT',
        key: 'users/alice/big',
        headers: { 'Content-Length': 5 },
        query: { partNumber: 3, uploadId: 'u-1' },
      },
    ];
    for (const body of requests) {
      const response = await issueV5(body);
      const query = 'query' in body ? body.query : undefined;
      const official = COS.getAuthorization({
        SecretId: cosSecret.secretId,
        SecretKey: cosSecret.secretKey,
        Method: response.method as COS.Method,
        Key: response.key,
        Headers: response.headers,
        ...(query ? { Query: query } : {}),
        KeyTime: `${NOW - 1};${response.expiresAt}`,
      });
      expect(response.authorization).toBe(official);
      // The SDK's own Host rule (Bucket + Region) agrees with the Host we report.
      const viaBucket = COS.getAuthorization({
        SecretId: cosSecret.secretId,
        SecretKey: cosSecret.secretKey,
        Method: response.method as COS.Method,
        Key: response.key,
        Bucket: cosSecret.bucket,
        Region: cosSecret.region,
        Headers: Object.fromEntries(Object.entries(response.headers).filter(([name]) => name !== 'Host')),
        ...(query ? { Query: query } : {}),
        KeyTime: `${NOW - 1};${response.expiresAt}`,
      });
      expect(response.authorization).toBe(viaBucket);
    }
  });

  it('signs a configured host (a custom or accelerated domain) instead of the bucket domain', async () => {
    const custom = loadConfig({ COS_HOST: 'uploads-1250000000.cos.accelerate.myqcloud.com' });
    const response = (await issue(
      {
        method: 'GET',
        key: 'users/alice/a',
        headers: { Host: 'uploads-1250000000.cos.accelerate.myqcloud.com' },
      },
      { config: custom },
    )) as CosSignV5Response;
    expect(response.headers.Host).toBe('uploads-1250000000.cos.accelerate.myqcloud.com');
    expect(response.url).toBe('https://uploads-1250000000.cos.accelerate.myqcloud.com/users/alice/a');
    await expectPolicyRejection(
      () => issue({ method: 'GET', key: 'users/alice/a', headers: { Host: COS_HOST } }, { config: custom }),
      'HEADER_NOT_ALLOWED',
    );
  });

  it('encodes each key segment of the URL and keeps the slashes', async () => {
    expect((await issueV5({ method: 'GET', key: 'users/alice/a b/c?d#e' })).url).toBe(
      `https://${COS_HOST}/users/alice/a%20b/c%3Fd%23e`,
    );
  });

  it('refuses methods and operations outside the allowlist', async () => {
    for (const method of ['OPTIONS', 'gEt ', 'PATCH']) {
      await expectPolicyRejection(() => issue({ method, key: 'users/alice/a.txt' }), 'METHOD_NOT_ALLOWED');
    }
    await expectPolicyRejection(
      () => issue({ method: 'DELETE', key: 'users/alice/a.txt' }),
      'OPERATION_NOT_ALLOWED',
    );
    await expectPolicyRejection(
      () => issue({ method: 'POST', key: 'users/alice/a.txt' }),
      'OPERATION_NOT_ALLOWED',
    );
  });

  it('refuses what the issue reported: copies, ACLs, image processing, content-type overrides', async () => {
    const put = (headers: Record<string, string>) =>
      issue({
        method: 'PUT',
        key: 'users/alice/loot.jpg',
        headers: { 'Content-Type': 'image/jpeg', 'Content-Length': '1', ...headers },
      });
    await expectPolicyRejection(
      () => put({ 'x-cos-copy-source': `${COS_HOST}/users/bob/secret.jpg` }),
      'HEADER_NOT_ALLOWED',
    );
    await expectPolicyRejection(() => put({ 'X-Cos-Acl': 'public-read' }), 'HEADER_NOT_ALLOWED');
    await expectPolicyRejection(() => put({ 'Pic-Operations': '{"rules":[]}' }), 'HEADER_NOT_ALLOWED');
    await expectPolicyRejection(
      () => issue({ method: 'GET', key: 'users/alice/a', query: { 'response-content-type': 'text/html' } }),
      'QUERY_NOT_ALLOWED',
    );
    await expectPolicyRejection(() => put({ 'Content-Type': 'text/html' }), 'CONTENT_TYPE_NOT_ALLOWED');
  });

  it("confines keys to the caller's prefix", async () => {
    await expectPolicyRejection(() => issue({ method: 'GET', key: 'users/bob/a.txt' }), 'KEY_OUTSIDE_PREFIX');
    await expectPolicyRejection(() => issue({ method: 'GET', key: 'users/alice/' }), 'KEY_OUTSIDE_PREFIX');
    await expectPolicyRejection(() => issue({ method: 'GET', key: 'users/alice/../bob/a' }), 'INVALID_KEY');
    expect((await issueV5({ method: 'GET', key: 'users/bob/a.txt' }, { userId: 'bob' })).key).toBe(
      'users/bob/a.txt',
    );
  });

  it('applies the COS lifetime policy', async () => {
    expect((await issueV5({ method: 'GET', key: 'users/alice/a', expire: 3600 })).expiresAt).toBe(NOW + 3600);
    await expectPolicyRejection(
      () => issue({ method: 'GET', key: 'users/alice/a', expire: 3601 }),
      'EXPIRE_TOO_LONG',
    );
  });

  it('checks the user first', async () => {
    expect((await issueV5({ method: 'GET', key: 'users/alice/a', userId: 'alice' })).key).toBe(
      'users/alice/a',
    );
    await expectPolicyRejection(
      () => issue({ method: 'DELETE', key: 'users/bob/a', expire: 99_999, userId: 'bob' }),
      'USER_MISMATCH',
    );
  });
});

describe('issueCosSignature (v5, STS configured)', () => {
  const stsConfig = loadConfig({ COS_STS_ENABLED: 'true' });
  const setup = () => {
    const stub = stubSts();
    const keys = createCosKeys({
      settings: stsConfig.cos,
      sts: stub.sts,
      cache: createTemporaryKeyCache({ now: () => NOW * 1000 }),
    });
    return { ...stub, keys };
  };

  it('signs with a temporary key confined to the prefix and returns its token', async () => {
    const { keys, requests } = setup();
    const response = (await issue(
      { method: 'GET', key: 'users/alice/a.txt' },
      { config: stsConfig, keys },
    )) as CosSignV5Response;
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      secretId: cosSecret.secretId,
      region: 'ap-guangzhou',
      durationSeconds: 7200,
      userId: 'alice',
      policy: {
        version: '2.0',
        statement: [
          {
            effect: 'allow',
            resource: ['qcs::cos:ap-guangzhou:uid/1250000000:uploads-1250000000/users/alice/*'],
          },
        ],
      },
    });
    expect(response.securityToken).toBe('token-1');
    expect(response.headers['x-cos-security-token']).toBe('token-1');
    expect(response.authorization).toContain('q-ak=AKIDtmp1&');
    expect(response.authorization).toBe(
      COS.getAuthorization({
        SecretId: 'AKIDtmp1',
        SecretKey: 'tmp-key-1',
        Method: 'GET',
        Key: 'users/alice/a.txt',
        Headers: { Host: COS_HOST },
        KeyTime: `${NOW - 1};${NOW + 600}`,
      }),
    );
  });

  it('reuses the cached key of the user and never asks STS for a refused request', async () => {
    const { keys, requests } = setup();
    await issue({ method: 'GET', key: 'users/alice/a' }, { config: stsConfig, keys });
    await issue({ method: 'HEAD', key: 'users/alice/b', expire: 3600 }, { config: stsConfig, keys });
    await expectPolicyRejection(
      () => issue({ method: 'GET', key: 'users/bob/a' }, { config: stsConfig, keys }),
      'KEY_OUTSIDE_PREFIX',
    );
    await expectPolicyRejection(
      () => issue({ method: 'GET', key: 'users/alice/a', query: { acl: '' } }, { config: stsConfig, keys }),
      'QUERY_NOT_ALLOWED',
    );
    expect(requests).toHaveLength(1);
    await issue(
      { method: 'GET', key: 'users/bob/a' },
      { config: stsConfig, keys, principal: { userId: 'bob' } },
    );
    expect(requests.map((request) => request.userId)).toEqual(['alice', 'bob']);
  });

  it('passes an STS failure on (the HTTP layer answers 503)', async () => {
    const failing = createCosKeys({
      settings: stsConfig.cos,
      sts: {
        issue: async () => {
          throw new StsError('STS_UNAVAILABLE', 'down', { retryAfterSeconds: 2 });
        },
      },
      cache: createTemporaryKeyCache({ now: () => NOW * 1000 }),
    });
    await expect(
      issue({ method: 'GET', key: 'users/alice/a' }, { config: stsConfig, keys: failing }),
    ).rejects.toMatchObject({
      code: 'STS_UNAVAILABLE',
    });
  });
});

describe('issueCosSignature (v4)', () => {
  it('issues a reusable signature bound to the key, with the injected nonce', async () => {
    const response = await issueV4(
      { type: 'reusable', key: 'users/alice/a b.txt', expire: 60 },
      () => 1804289383,
    );
    expect(response).toEqual({
      version: 'v4',
      type: 'reusable',
      signature: expect.any(String),
      key: 'users/alice/a b.txt',
      expiresAt: NOW + 60,
      serverTime: NOW,
    });
    expect(openV4(response.signature)).toBe(
      `a=1250000000&b=uploads&k=AKIDtestSecretIdNotReal&e=${NOW + 60}&t=${NOW}&r=1804289383` +
        '&f=/1250000000/uploads/users/alice/a%20b.txt',
    );
  });

  it('issues a one-time signature (e=0) only when enabled', async () => {
    const response = await issueV4({ type: 'once', key: 'users/alice/to delete.txt' }, () => 0);
    expect(response.expiresAt).toBeNull();
    expect(openV4(response.signature)).toBe(
      `a=1250000000&b=uploads&k=AKIDtestSecretIdNotReal&e=0&t=${NOW}&r=0&f=/1250000000/uploads/users/alice/to%20delete.txt`,
    );
    const refused = await expectPolicyRejection(
      () => issue({ version: 'v4', type: 'once', key: 'users/alice/a' }, { config }),
      'V4_ONCE_DISABLED',
    );
    expect(refused.message).toContain('never expire');
  });

  it('uses the default lifetime and a crypto nonce below 2^31 when none is injected', async () => {
    const response = await issueV4({ type: 'reusable', key: 'users/alice/a' });
    expect(response.expiresAt).toBe(NOW + 600);
    const random = Number(/&r=(\d+)&/.exec(openV4(response.signature))?.[1]);
    expect(random).toBeGreaterThanOrEqual(0);
    expect(random).toBeLessThan(2 ** 31);
  });

  it('refuses a signature without a key: it would cover the whole bucket', async () => {
    await expectPolicyRejection(() => issueV4({ type: 'reusable' }), 'SCOPE_TOO_WIDE');
    await expectPolicyRejection(() => issueV4({ type: 'once' }), 'SCOPE_TOO_WIDE');
  });

  it("confines keys to the caller's prefix and checks the user first", async () => {
    await expectPolicyRejection(() => issueV4({ type: 'once', key: 'users/bob/a' }), 'KEY_OUTSIDE_PREFIX');
    await expectPolicyRejection(
      () => issueV4({ type: 'reusable', key: 'users/alice/%2e%2e/a' }),
      'INVALID_KEY',
    );
    await expectPolicyRejection(() => issueV4({ type: 'reusable', userId: 'bob' }), 'USER_MISMATCH');
    await expectPolicyRejection(
      () => issueV4({ type: 'reusable', key: 'users/alice/a', expire: 3601 }),
      'EXPIRE_TOO_LONG',
    );
  });
});

describe('issueCosSignature binding', () => {
  it("never signs a key outside the principal's own prefix", async () => {
    const userId = fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/);
    const tail = fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9 ._-]{1,20}(\/[A-Za-z0-9 ._-]{1,20}){0,2}$/),
      fc.string({ maxLength: 20 }),
      fc.constantFrom('../x', './x', '%2e%2e/x', '', 'a//b'),
    );
    const owner = (who: string) => fc.oneof(fc.constant(who), userId, fc.constantFrom('alice', 'bob'));
    const body = (who: string) =>
      fc.oneof(
        fc.record(
          {
            method: fc.constantFrom('GET', 'put', 'DELETE', 'head'),
            key: fc.tuple(owner(who), tail).map(([o, t]) => `users/${o}/${t}`),
            headers: fc.constantFrom(undefined, { 'Content-Type': 'image/png', 'Content-Length': 1 }),
            expire: fc.integer({ min: 0, max: 4000 }),
            userId: fc.oneof(fc.constant(who), userId),
          },
          { requiredKeys: ['method', 'key'] },
        ),
        fc.record(
          {
            version: fc.constant('v4'),
            type: fc.constantFrom('once', 'reusable'),
            key: fc.tuple(owner(who), tail).map(([o, t]) => `users/${o}/${t}`),
            userId: fc.oneof(fc.constant(who), userId),
          },
          { requiredKeys: ['version', 'type'] },
        ),
      );
    let issued = 0;
    await fc.assert(
      fc.asyncProperty(
        userId.chain((who) => fc.tuple(fc.constant(who), body(who))),
        async ([who, request]) => {
          let response: Awaited<ReturnType<typeof issue>>;
          try {
            const cleaned = Object.fromEntries(
              Object.entries(request).filter(([, value]) => value !== undefined),
            );
            response = await issue(cleaned, { principal: { userId: who }, randomInt: () => 7 });
          } catch (error) {
            expect(error instanceof PolicyError || error instanceof HttpError).toBe(true);
            return;
          }
          issued++;
          expect(response.key.startsWith(`users/${who}/`)).toBe(true);
          expect(response.key.split('/')).not.toContain('..');
          if (response.version === 'v4') {
            expect(openV4(response.signature)).toContain(`&f=/1250000000/uploads/users/${who}/`);
          } else {
            expect(response.url.startsWith(`https://${COS_HOST}/users/${who}/`)).toBe(true);
          }
          expect([undefined, who]).toContain(request.userId);
        },
      ),
      { numRuns: 500 },
    );
    expect(issued).toBeGreaterThan(25);
  });
});
