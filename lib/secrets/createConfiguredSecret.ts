import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type Config, ConfigError, type SecretConcern } from '../config';
import type { Logger } from '../log/logger';
import { createSecretCache, type SecretCache } from './createSecretCache';
import { createSecretsManagerClient } from './createSecretsManagerClient';
import { fileSecretSource } from './fileSecretSource';
import { parseSecret, type SecretSchema } from './parseSecret';
import { secretsManagerSource } from './secretsManagerSource';

export type { SecretConcern };

export interface ConfiguredSecretDeps {
  /** Injected in tests; by default one client per container, built on first use. */
  readonly client?: SecretsManagerClient;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** Told when the rotation-date lookup fails (the TTL alone then applies): usually a missing IAM grant. */
  readonly log?: Logger;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Wires the secret of one concern from the configuration: AWS Secrets Manager (deployed stages and
 * tests, through `AWS_ENDPOINT_URL_SECRETS_MANAGER` when set) or a local JSON file (the `local` stage),
 * cached per container with the configured TTL, rotation date, timeouts and retries.
 *
 * @throws ConfigError at cold start when the AWS source is selected without a secret id.
 *
 * @example
 * ```ts
 * const trtcSecret = createConfiguredSecret(config, 'trtc', TrtcSecretSchema);
 * await trtcSecret.prefetch(); // INIT: awaited at module top level; a failure is retried by the first request
 * const { sdkAppId, secretKey } = await trtcSecret.get();
 * ```
 */
export function createConfiguredSecret<S extends SecretSchema>(
  config: Pick<Config, 'secrets'>,
  concern: SecretConcern,
  schema: S,
  deps: ConfiguredSecretDeps = {},
): SecretCache<ReturnType<typeof parseSecret<S>>> {
  const settings = config.secrets;
  const location = settings[concern];
  let fetchSecret: Parameters<typeof createSecretCache>[0]['fetchSecret'];
  if (settings.source === 'file') {
    if (location.file === undefined) {
      throw new ConfigError([`the ${concern} secret has no local file (SECRETS_SOURCE=file)`]);
    }
    fetchSecret = fileSecretSource({ path: location.file });
  } else {
    if (location.secretId === undefined) {
      throw new ConfigError([`${concern.toUpperCase()}_SECRET_ID must be set for SECRETS_SOURCE=aws`]);
    }
    const client =
      deps.client ??
      createSecretsManagerClient({
        requestTimeoutMs: settings.timeoutMs,
        connectionTimeoutMs: settings.timeoutMs,
      });
    fetchSecret = secretsManagerSource({
      client,
      secretId: location.secretId,
      fetchRotationDate: settings.fetchRotationDate,
      ...(deps.log
        ? {
            onRotationDateError: (error: unknown) =>
              deps.log?.warn('secret rotation date unavailable; the TTL alone applies', {
                concern,
                error: error instanceof Error ? error.name : String(error),
              }),
          }
        : {}),
    });
  }
  const cache = createSecretCache({
    fetchSecret,
    parse: (text) => parseSecret(schema, text, concern),
    ttlMs: settings.ttlSeconds * 1000,
    now: deps.now ?? Date.now,
    sleep: deps.sleep ?? sleep,
    random: Math.random,
    retry: { attempts: settings.retryAttempts, baseDelayMs: 50, maxDelayMs: 400 },
    retryAfterSeconds: settings.retryAfterSeconds,
    secretName: concern,
  });
  const log = deps.log;
  if (log === undefined) return cache;
  // A secret that fails at cold start is reported then, not only by the first request's 503: the
  // message names the secret and the field (e.g. a v1 configuration without privateKeyPem), no value.
  return {
    get: cache.get,
    // Like the cache's own prefetch: awaited in INIT, never rejects; the first request loads again.
    async prefetch() {
      await cache.get().then(
        () => undefined,
        (error: unknown) => {
          log.error('signing secret unavailable at cold start', {
            concern,
            detail: error instanceof Error ? error.message : String(error),
          });
        },
      );
    },
  };
}
