import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { createCosKeys } from '../../lib/cos/createCosKeys';
import { createTemporaryKeyCache } from '../../lib/cos/createTemporaryKeyCache';
import type { StsClient, TemporaryKeyRequest } from '../../lib/cos/StsClient';
import { StsError } from '../../lib/cos/StsError';
import { parseCosCredentialsRequest } from '../../lib/tokens/cosCredentialsRequest';
import { issueCosCredentials } from '../../lib/tokens/issueCosCredentials';
import { expectPolicyRejection } from '../policy/expectPolicyError';
import { expectInvalidRequest } from './expectInvalidRequest';
import { cosSecret, config as localConfig, NOW } from './fixtures';

const config = loadConfig({ COS_STS_ENABLED: 'true' });

function setup(expiredTimeOf: (request: TemporaryKeyRequest) => number = (r) => NOW + r.durationSeconds) {
  const requests: TemporaryKeyRequest[] = [];
  const sts: StsClient = {
    issue: async (request) => {
      requests.push(request);
      return {
        tmpSecretId: `AKIDtmp${requests.length}`,
        tmpSecretKey: 'tmp-key',
        securityToken: 'token',
        startTime: NOW - 2,
        expiredTime: expiredTimeOf(request),
      };
    },
  };
  const keys = createCosKeys({
    settings: config.cos,
    sts,
    cache: createTemporaryKeyCache({ now: () => NOW * 1000 }),
  });
  const issue = (body: unknown, userId = 'alice') =>
    issueCosCredentials({
      principal: { userId },
      request: parseCosCredentialsRequest(body),
      secret: cosSecret,
      config,
      keys,
      now: NOW,
    });
  return { requests, issue };
}

describe('issueCosCredentials', () => {
  it('returns what the SDK callbacks take, for the configured actions on the prefix only', async () => {
    const { issue, requests } = setup();
    expect(await issue({})).toEqual({
      TmpSecretId: 'AKIDtmp1',
      TmpSecretKey: 'tmp-key',
      SecurityToken: 'token',
      StartTime: NOW - 2,
      ExpiredTime: NOW + 1800,
      bucket: 'uploads-1250000000',
      region: 'ap-guangzhou',
      prefix: 'users/alice/',
      expiresAt: NOW + 1800,
      serverTime: NOW,
      refreshAfter: NOW + 1440,
    });
    expect(requests[0]?.policy).toEqual({
      version: '2.0',
      statement: [
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
          resource: ['qcs::cos:ap-guangzhou:uid/1250000000:uploads-1250000000/users/alice/*'],
        },
      ],
    });
    const actions = requests[0]?.policy.statement[0]?.action.join() ?? '';
    for (const wide of ['ACL', 'Policy', 'Tagging', 'DeleteObject', 'Bucket', '*'])
      expect(actions).not.toContain(wide);
  });

  it('asks STS for a fresh key each time, for the lifetime asked, up to the cap', async () => {
    const { issue, requests } = setup();
    expect((await issue({ expire: 7200 })).expiresAt).toBe(NOW + 7200);
    expect((await issue({ expire: 60 })).refreshAfter).toBe(NOW + 48);
    expect(requests.map((r) => r.durationSeconds)).toEqual([7200, 60]);
    await expectPolicyRejection(() => issue({ expire: 7201 }), 'EXPIRE_TOO_LONG');
    await expectPolicyRejection(() => issue({ expire: 0 }), 'INVALID_EXPIRE');
    await expectPolicyRejection(() => issue({ userId: 'bob' }), 'USER_MISMATCH');
    expect(requests).toHaveLength(2);
    expectInvalidRequest(() => parseCosCredentialsRequest({ actions: ['name/cos:*'] }));
    expectInvalidRequest(() => parseCosCredentialsRequest({ prefix: 'users/' }));
  });

  it("never promises more than STS's expiry", async () => {
    const { issue } = setup(() => NOW + 100);
    const response = await issue({ expire: 600 });
    expect(response).toMatchObject({ ExpiredTime: NOW + 100, expiresAt: NOW + 100, refreshAfter: NOW + 80 });
    const expired = setup(() => NOW);
    await expect(expired.issue({})).rejects.toMatchObject({ code: 'STS_UNAVAILABLE' });
  });

  it('answers STS_NOT_CONFIGURED where STS is not used', async () => {
    const keys = createCosKeys({ settings: localConfig.cos });
    const error = await issueCosCredentials({
      principal: { userId: 'alice' },
      request: {},
      secret: cosSecret,
      config: localConfig,
      keys,
      now: NOW,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StsError);
    expect((error as StsError).code).toBe('STS_NOT_CONFIGURED');
  });
});
