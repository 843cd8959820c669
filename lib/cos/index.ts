// Keys for COS: temporary keys from Tencent STS confined to one user's prefix (the CAM policy, the STS
// client, the per-container signing-key cache), or the bucket key when STS is not used.

export { type CamPolicy, type CosPrefixPolicyInput, cosPrefixPolicy } from './cosPrefixPolicy';
export type { CosSettings, StsSettings } from './cosSettings';
export { createConfiguredCosKeys } from './createConfiguredCosKeys';
export { type CosKeys, type CosKeysDeps, type CosSigningKey, createCosKeys } from './createCosKeys';
export {
  createTemporaryKeyCache,
  type TemporaryKeyCache,
  type TemporaryKeyCacheOptions,
} from './createTemporaryKeyCache';
export type { TencentStsClientOptions } from './createTencentStsClient';
export type { StsClient, TemporaryKey, TemporaryKeyRequest } from './StsClient';
export { StsError, type StsErrorCode } from './StsError';
