import { createHmac } from 'node:crypto';
import COS from 'cos-nodejs-sdk-v5';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../../lib/http/HttpError';
import { PolicyError } from '../../lib/policy/PolicyError';
import type { Principal } from '../../lib/session/Principal';
import { parseCosSignRequest } from '../../lib/tokens/cosSignRequest';
import {
  type CosSignV4Response,
  type CosSignV5Response,
  issueCosSignature,
} from '../../lib/tokens/issueCosSignature';
import { expectPolicyError } from '../policy/expectPolicyError';
import { COS_HOST, config, cosSecret, NOW } from './fixtures';

const alice: Principal = { userId: 'alice' };
const issue = (body: unknown, principal: Principal = alice, randomInt?: () => number) =>
  issueCosSignature({
    principal,
    request: parseCosSignRequest(body),
    secret: cosSecret,
    config,
    now: NOW,
    ...(randomInt ? { randomInt } : {}),
  });
const issueV5 = (body: object, principal?: Principal) => issue(body, principal) as CosSignV5Response;
const issueV4 = (body: object, randomInt?: () => number) =>
  issue({ version: 'v4', ...body }, alice, randomInt) as CosSignV4Response;

/** Splits a v4 signature into its MAC and plain text, checking the MAC. */
function openV4(signature: string): string {
  const bytes = Buffer.from(signature, 'base64');
  const plainText = bytes.subarray(20).toString('utf8');
  const mac = createHmac('sha1', cosSecret.secretKey).update(plainText).digest();
  expect(bytes.subarray(0, 20).equals(mac)).toBe(true);
  return plainText;
}

describe('issueCosSignature (v5)', () => {
  it('signs the request with the server Host and reports what to send', () => {
    const response = issueV5({
      method: 'put',
      key: 'users/alice/photos/猫 1.jpg',
      headers: { 'Content-Type': 'image/jpeg' },
    });
    expect(response).toEqual({
      version: 'v5',
      authorization: expect.stringMatching(/^q-sign-algorithm=sha1&q-ak=AKIDtestSecretIdNotReal&/),
      method: 'PUT',
      key: 'users/alice/photos/猫 1.jpg',
      url: `https://${COS_HOST}/users/alice/photos/%E7%8C%AB%201.jpg`,
      headers: { Host: COS_HOST, 'Content-Type': 'image/jpeg' },
      expiresAt: NOW + 600,
      serverTime: NOW,
      refreshAfter: NOW + 480,
    });
    expect(response.authorization).toContain(`&q-sign-time=${NOW - 1};${NOW + 600}&`);
    expect(response.authorization).toContain('&q-header-list=content-type;host&');
  });

  it('equals COS.getAuthorization of cos-nodejs-sdk-v5 for the same request, Host included', () => {
    const requests = [
      { method: 'GET', key: 'users/alice/a.txt' },
      { method: 'head', key: 'users/alice/dir/', expire: 3600 },
      {
        method: 'PUT',
        key: "users/alice/it's (1)*!+=&?#.txt",
        headers: {
          'Content-Type': 'text/plain; charset=utf-8',
          'x-cos-meta-note': 'a  b',
          'User-Agent': 'x',
        },
        query: { uploads: '', prefix: 'dir/子 目录', 'max-keys': '20' },
        expire: 1,
      },
    ];
    for (const body of requests) {
      const response = issueV5(body);
      const official = COS.getAuthorization({
        SecretId: cosSecret.secretId,
        SecretKey: cosSecret.secretKey,
        Method: response.method as COS.Method,
        Key: response.key,
        Headers: response.headers,
        ...('query' in body ? { Query: body.query } : {}),
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
        ...('query' in body ? { Query: body.query } : {}),
        KeyTime: `${NOW - 1};${response.expiresAt}`,
      });
      expect(response.authorization).toBe(viaBucket);
    }
  });

  it('encodes each key segment of the URL and keeps the slashes', () => {
    expect(issueV5({ method: 'GET', key: 'users/alice/a b/c?d#e' }).url).toBe(
      `https://${COS_HOST}/users/alice/a%20b/c%3Fd%23e`,
    );
  });

  it('refuses methods outside the allowlist', () => {
    for (const method of ['DELETE', 'POST', 'OPTIONS', 'gEt ']) {
      expectPolicyError(() => issue({ method, key: 'users/alice/a.txt' }), 'METHOD_NOT_ALLOWED');
    }
  });

  it("confines keys to the caller's prefix", () => {
    expectPolicyError(() => issue({ method: 'GET', key: 'users/bob/a.txt' }), 'KEY_OUTSIDE_PREFIX');
    expectPolicyError(() => issue({ method: 'GET', key: 'users/alice/' }), 'KEY_OUTSIDE_PREFIX');
    expectPolicyError(() => issue({ method: 'GET', key: 'users/alice/../bob/a' }), 'INVALID_KEY');
    expect(issueV5({ method: 'GET', key: 'users/bob/a.txt' }, { userId: 'bob' }).key).toBe('users/bob/a.txt');
  });

  it('applies the COS lifetime policy', () => {
    expect(issueV5({ method: 'GET', key: 'users/alice/a', expire: 3600 }).expiresAt).toBe(NOW + 3600);
    expectPolicyError(() => issue({ method: 'GET', key: 'users/alice/a', expire: 3601 }), 'EXPIRE_TOO_LONG');
  });

  it('checks the user first', () => {
    expect(issueV5({ method: 'GET', key: 'users/alice/a', userId: 'alice' }).key).toBe('users/alice/a');
    expectPolicyError(
      () => issue({ method: 'DELETE', key: 'users/bob/a', expire: 99_999, userId: 'bob' }),
      'USER_MISMATCH',
    );
  });
});

describe('issueCosSignature (v4)', () => {
  it('issues a reusable signature bound to the key, with the injected nonce', () => {
    const response = issueV4({ type: 'reusable', key: 'users/alice/a b.txt', expire: 60 }, () => 1804289383);
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

  it('issues a one-time signature (e=0) and reports no expiry', () => {
    const response = issueV4({ type: 'once', key: 'users/alice/to delete.txt' }, () => 0);
    expect(response.expiresAt).toBeNull();
    expect(openV4(response.signature)).toBe(
      `a=1250000000&b=uploads&k=AKIDtestSecretIdNotReal&e=0&t=${NOW}&r=0&f=/1250000000/uploads/users/alice/to%20delete.txt`,
    );
  });

  it('uses the default lifetime and a crypto nonce below 2^31 when none is injected', () => {
    const response = issueV4({ type: 'reusable', key: 'users/alice/a' });
    expect(response.expiresAt).toBe(NOW + 600);
    const random = Number(/&r=(\d+)&/.exec(openV4(response.signature))?.[1]);
    expect(random).toBeGreaterThanOrEqual(0);
    expect(random).toBeLessThan(2 ** 31);
  });

  it('refuses a signature without a key: it would cover the whole bucket', () => {
    expectPolicyError(() => issueV4({ type: 'reusable' }), 'SCOPE_TOO_WIDE');
    expectPolicyError(() => issueV4({ type: 'once' }), 'SCOPE_TOO_WIDE');
  });

  it("confines keys to the caller's prefix and checks the user first", () => {
    expectPolicyError(() => issueV4({ type: 'once', key: 'users/bob/a' }), 'KEY_OUTSIDE_PREFIX');
    expectPolicyError(() => issueV4({ type: 'reusable', key: 'users/alice/%2e%2e/a' }), 'INVALID_KEY');
    expectPolicyError(() => issueV4({ type: 'reusable', userId: 'bob' }), 'USER_MISMATCH');
    expectPolicyError(
      () => issueV4({ type: 'reusable', key: 'users/alice/a', expire: 3601 }),
      'EXPIRE_TOO_LONG',
    );
  });
});

describe('issueCosSignature binding', () => {
  it("never signs a key outside the principal's own prefix", () => {
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
    fc.assert(
      fc.property(
        userId.chain((who) => fc.tuple(fc.constant(who), body(who))),
        ([who, request]) => {
          let response: ReturnType<typeof issue>;
          try {
            response = issue(request, { userId: who }, () => 7);
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
