import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lib/config';
import { createConfiguredCosKeys } from '../../lib/cos/createConfiguredCosKeys';
import { type FakeSts, startFakeSts } from '../support/fakeSts';
import { fakeTmpSecretKey } from '../support/fakeTemporaryKeys';
import { cosSecret } from '../tokens/fixtures';

const SEED = 'configured-keys-seed';
let sts: FakeSts;
beforeAll(async () => {
  sts = await startFakeSts({ camKeys: { [cosSecret.secretId]: cosSecret.secretKey }, seed: SEED });
});
afterAll(() => sts.close());

describe('createConfiguredCosKeys', () => {
  it('signs with the bucket key where STS is not used', async () => {
    const keys = await createConfiguredCosKeys(loadConfig({}));
    expect(keys.usesSts).toBe(false);
    expect((await keys.signingKey(cosSecret, 'alice', 600)).kind).toBe('bucket');
  });

  it('loads the Tencent STS client when STS is configured, and caches the signing key', async () => {
    const config = loadConfig({ COS_STS_ENABLED: 'true', COS_STS_ENDPOINT: sts.url });
    const keys = await createConfiguredCosKeys(config);
    const first = await keys.signingKey(cosSecret, 'alice', 600);
    const second = await keys.signingKey(cosSecret, 'alice', 600);
    expect(first).toMatchObject({ kind: 'temporary' });
    expect(second).toEqual(first);
    expect(first.kind === 'temporary' && first.secretKey).toBe(fakeTmpSecretKey(SEED, first.secretId));
    expect(sts.calls).toEqual([{ action: 'GetFederationToken', outcome: 'OK' }]);
  });
});
