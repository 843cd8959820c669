// The public surface of lib/secrets: where signing keys come from and how they are cached.

export {
  type ConfiguredSecretDeps,
  createConfiguredSecret,
  type SecretConcern,
} from './createConfiguredSecret';
export {
  createSecretCache,
  type FetchSecret,
  type SecretCache,
  type SecretCacheOptions,
  type SecretFetchResult,
  type SecretRetryPolicy,
} from './createSecretCache';
export {
  createSecretsManagerClient,
  type SecretsManagerClientOptions,
} from './createSecretsManagerClient';
export {
  SecretInvalidError,
  SecretsError,
  type SecretsErrorCode,
  SecretsUnavailableError,
} from './errors';
export { type FileSecretSourceOptions, fileSecretSource } from './fileSecretSource';
export { parseSecret, type SecretSchema } from './parseSecret';
export {
  type CosRotatorSecret,
  CosRotatorSecretSchema,
  type CosSecret,
  CosSecretSchema,
  type SessionSecret,
  SessionSecretSchema,
  type TrtcSecret,
  TrtcSecretSchema,
  TrtcSecretV1Schema,
  trtcSecretSchema,
} from './secretSchemas';
export { type SecretsManagerSourceOptions, secretsManagerSource } from './secretsManagerSource';
