import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { createCosKeys } from '../../lib/cos/createCosKeys';
import { createTemporaryKeyCache } from '../../lib/cos/createTemporaryKeyCache';
import type { StsClient, TemporaryKeyRequest } from '../../lib/cos/StsClient';
import { cosSecret, NOW } from '../tokens/fixtures';

const config = loadConfig({ COS_STS_ENABLED: 'true', COS_SIGN_OPERATIONS: 'GetObject,PutObject' });

function stub() {
  const requests: TemporaryKeyRequest[] = [];
  const sts: StsClient = {
    issue: async (request) => {
      requests.push(request);
      return {
        tmpSecretId: `id-${requests.length}`,
        tmpSecretKey: `key-${requests.length}`,
        securityToken: `token-${requests.length}`,
        startTime: NOW,
        expiredTime: NOW + request.durationSeconds,
      };
    },
  };
  return { sts, requests, cache: createTemporaryKeyCache({ now: () => NOW * 1000 }) };
}

describe('createCosKeys', () => {
  it('signs with the bucket key without STS', async () => {
    const keys = createCosKeys({ settings: loadConfig({}).cos });
    expect(keys.usesSts).toBe(false);
    expect(await keys.signingKey(cosSecret, 'alice', 600)).toEqual({
      kind: 'bucket',
      secretId: cosSecret.secretId,
      secretKey: cosSecret.secretKey,
    });
  });

  it('signs with a cached temporary key per CAM key and user, allowed the enabled operations only', async () => {
    const { sts, requests, cache } = stub();
    const keys = createCosKeys({ settings: config.cos, sts, cache });
    const first = await keys.signingKey(cosSecret, 'alice', 600);
    expect(first).toEqual({
      kind: 'temporary',
      secretId: 'id-1',
      secretKey: 'key-1',
      securityToken: 'token-1',
      expiresAt: NOW + 7200,
    });
    await keys.signingKey(cosSecret, 'alice', 3600);
    await keys.signingKey({ ...cosSecret, secretId: 'AKIDrotatedKey' }, 'alice', 600);
    expect(requests.map((r) => [r.secretId, r.userId])).toEqual([
      [cosSecret.secretId, 'alice'],
      ['AKIDrotatedKey', 'alice'],
    ]);
    expect(requests[0]?.policy.statement[0]?.action).toEqual(['name/cos:GetObject', 'name/cos:PutObject']);
  });

  it('hands out a fresh key with the credential actions', async () => {
    const { sts, requests, cache } = stub();
    const keys = createCosKeys({ settings: config.cos, sts, cache });
    await keys.credentials(cosSecret, 'bob', 900);
    await keys.credentials(cosSecret, 'bob', 900);
    expect(requests).toHaveLength(2);
    expect(requests[0]?.durationSeconds).toBe(900);
    expect(requests[0]?.policy.statement[0]?.resource).toEqual([
      'qcs::cos:ap-guangzhou:uid/1250000000:uploads-1250000000/users/bob/*',
    ]);
  });

  it('needs a client and a cache when STS is configured', () => {
    expect(() => createCosKeys({ settings: config.cos })).toThrow(TypeError);
  });
});
