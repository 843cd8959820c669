import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultProvider } from '../../lib/secrets/lambdaCredentialProvider';

describe('lambdaCredentialProvider (the bundles’ stand-in for the default credential chain)', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('resolves the credentials Lambda puts in the environment', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIATESTONLY');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'test-secret');
    vi.stubEnv('AWS_SESSION_TOKEN', 'test-session');
    await expect(defaultProvider()()).resolves.toMatchObject({
      accessKeyId: 'AKIATESTONLY',
      secretAccessKey: 'test-secret',
      sessionToken: 'test-session',
    });
  });

  it('fails instead of searching other sources when the environment has none', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', '');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', '');
    await expect(defaultProvider()()).rejects.toThrow();
  });
});
