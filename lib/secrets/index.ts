// The public surface of lib/secrets: where signing keys come from and how they are cached.
export {
  createSecretCache,
  type FetchSecret,
  type SecretCache,
  type SecretCacheOptions,
  type SecretFetchResult,
  type SecretRetryPolicy,
} from './createSecretCache.js';
export {
  createSecretsManagerClient,
  type SecretsManagerClientOptions,
} from './createSecretsManagerClient.js';
export {
  SecretInvalidError,
  SecretsError,
  type SecretsErrorCode,
  SecretsUnavailableError,
} from './errors.js';
export { type FileSecretSourceOptions, fileSecretSource } from './fileSecretSource.js';
export { parseSecret, type SecretSchema } from './parseSecret.js';
export { type CosSecret, CosSecretSchema, type TrtcSecret, TrtcSecretSchema } from './secretSchemas.js';
export { type SecretsManagerSourceOptions, secretsManagerSource } from './secretsManagerSource.js';
