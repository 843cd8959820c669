import { loadConfig } from '../../lib/config';
import type { CosSecret, TrtcSecret } from '../../lib/secrets/secretSchemas';

// Fake secrets and a fixed clock shared by the token tests. None of these keys is real.

export const trtcSecret: TrtcSecret = { sdkAppId: 1400000000, secretKey: 'test-key-not-real' };

export const cosSecret: CosSecret = {
  appId: '1250000000',
  secretId: 'AKIDtestSecretIdNotReal',
  secretKey: 'test-cos-key-not-real',
  bucket: 'uploads-1250000000',
  region: 'ap-guangzhou',
};

export const COS_HOST = 'uploads-1250000000.cos.ap-guangzhou.myqcloud.com';

/** 2023-11-14T22:13:20Z. */
export const NOW = 1_700_000_000;

/**
 * The defaults: userSig 7200 s (max 86400), privateMapKey 300 s (max 3600), COS 600 s (max 3600),
 * keys under users/{userId}/, methods GET, HEAD, PUT, roles anchor (0xff) and audience (0xab, default).
 */
export const config = loadConfig({});
