import { afterEach, describe, expect, it } from 'vitest';
import type { CosCredentialsResponse } from '../../lib/tokens';
import { fakeSts, post, sessionToken } from './support/client';
import { E2E_SETTINGS } from './support/fixtures';
import { expectIssuedTo, prefixResourceOf } from './support/tokens';

// POST /v1/cos/credentials against the loopback STS (which checks the TC3 signature of every call with
// the SDK's own signer), and what the COS routes do when STS fails: 503 with Retry-After, never a 500,
// and nothing cached, so the next request works as soon as STS does.

afterEach(() => fakeSts.setFault(null));

describe('POST /v1/cos/credentials', () => {
  it('issues temporary credentials for the caller prefix only, in the shape the SDK callbacks take', async () => {
    const response = await post('/v1/cos/credentials', { token: await sessionToken('creds_user'), body: {} });

    expect(response.status).toBe(200);
    const body = response.json as CosCredentialsResponse;
    expect(Object.keys(body).sort()).toEqual(
      [
        'TmpSecretId',
        'TmpSecretKey',
        'SecurityToken',
        'StartTime',
        'ExpiredTime',
        'bucket',
        'region',
        'prefix',
        'expiresAt',
        'serverTime',
        'refreshAfter',
      ].sort(),
    );
    expectIssuedTo('/v1/cos/credentials', body as unknown as Record<string, unknown>, 'creds_user');
    expect(body.expiresAt - body.serverTime).toBe(E2E_SETTINGS.cosCredentialsDefaultExpire);
    const issued = (await fakeSts.issued()).find((key) => key.tmpSecretId === body.TmpSecretId);
    expect(issued).toMatchObject({
      action: 'GetFederationToken',
      durationSeconds: 1800,
      region: 'ap-guangzhou',
    });
    expect(issued?.policy.statement).toEqual([
      {
        effect: 'allow',
        action: [
          'name/cos:GetObject',
          'name/cos:HeadObject',
          'name/cos:PutObject',
          'name/cos:InitiateMultipartUpload',
          'name/cos:UploadPart',
          'name/cos:CompleteMultipartUpload',
          'name/cos:ListParts',
          'name/cos:AbortMultipartUpload',
        ],
        resource: [prefixResourceOf('creds_user')],
      },
    ]);
  });

  it('grants the lifetime asked for up to the cap, and refuses more with 400', async () => {
    const token = await sessionToken('creds_user');
    const granted = await post('/v1/cos/credentials', {
      token,
      body: { expire: E2E_SETTINGS.cosCredentialsMaxExpire },
    });
    expect(granted.status).toBe(200);
    const body = granted.json as CosCredentialsResponse;
    expect(body.expiresAt - body.serverTime).toBe(E2E_SETTINGS.cosCredentialsMaxExpire);
    const refused = await post('/v1/cos/credentials', {
      token,
      body: { expire: E2E_SETTINGS.cosCredentialsMaxExpire + 1 },
    });
    expect(refused.status).toBe(400);
    expect(refused.json).toEqual({ error: { code: 'EXPIRE_TOO_LONG', message: expect.any(String) } });
  });

  it('refuses fields that would widen the credentials', async () => {
    const token = await sessionToken('creds_user');
    for (const body of [
      { actions: ['name/cos:*'] },
      { prefix: '' },
      { bucket: 'other-1250054321' },
      { userId: 'someone_else' },
    ]) {
      const response = await post('/v1/cos/credentials', { token, body });
      expect([400, 403]).toContain(response.status);
    }
  });
});

describe('when STS fails', () => {
  it.each([
    ['answers an error', { kind: 'error', code: 'InternalError' } as const],
    ['answers HTTP 502', { kind: 'status', status: 502 } as const],
    ['answers without credentials', { kind: 'garbage' } as const],
    ['drops the connection', { kind: 'reset' } as const],
    ['does not answer in time', { kind: 'delay', ms: E2E_SETTINGS.stsTimeoutMs * 2 + 500 } as const],
  ])('STS %s: 503 STS_UNAVAILABLE with Retry-After, and the next request works', async (_what, fault) => {
    const token = await sessionToken('sts_outage');
    await fakeSts.setFault(fault);
    const failed = await post('/v1/cos/credentials', { token, body: {} });
    expect(failed.status).toBe(503);
    expect(failed.json).toEqual({ error: { code: 'STS_UNAVAILABLE', message: expect.any(String) } });
    expect(failed.headers.get('retry-after')).toBe(String(E2E_SETTINGS.secretsRetryAfterSeconds));

    await fakeSts.setFault(null);
    expect((await post('/v1/cos/credentials', { token, body: {} })).status).toBe(200);
  });

  it('a signature that needs a new temporary key is a 503 too; the failure is not cached', async () => {
    const token = await sessionToken('sts_outage_signer');
    await fakeSts.setFault({ kind: 'error', code: 'RequestLimitExceeded' });
    const body = { method: 'GET', key: 'users/sts_outage_signer/a.jpg' };
    const failed = await post('/v1/cos/sign', { token, body });
    expect(failed.status).toBe(503);
    expect(failed.json).toEqual({ error: { code: 'STS_UNAVAILABLE', message: expect.any(String) } });
    expect(failed.headers.get('retry-after')).toBe(String(E2E_SETTINGS.secretsRetryAfterSeconds));

    await fakeSts.setFault(null);
    const next = await post('/v1/cos/sign', { token, body });
    expect(next.status).toBe(200);
    expectIssuedTo('/v1/cos/sign', next.json as Record<string, unknown>, 'sts_outage_signer');
  });

  it('a signature made with a cached key needs no STS at all', async () => {
    const token = await sessionToken('sts_cached_signer');
    const body = { method: 'GET', key: 'users/sts_cached_signer/a.jpg' };
    expect((await post('/v1/cos/sign', { token, body })).status).toBe(200);
    await fakeSts.setFault({ kind: 'error', code: 'InternalError' });
    const cached = await post('/v1/cos/sign', { token, body: { ...body, expire: 3600 } });
    expect(cached.status).toBe(200);
    expectIssuedTo('/v1/cos/sign', cached.json as Record<string, unknown>, 'sts_cached_signer');
  });
});
