import {
  DescribeSecretCommand,
  type DescribeSecretCommandOutput,
  GetSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { FetchSecret, SecretFetchResult } from './createSecretCache';
import { SecretInvalidError } from './errors';

/**
 * Options of {@link secretsManagerSource}.
 *
 * @example
 * ```ts
 * const options: SecretsManagerSourceOptions = {
 *   client,
 *   secretId: 'prod/token-issuer/cos',
 *   fetchRotationDate: true,
 *   onRotationDateError: (error) => logger.warn('DescribeSecret failed; TTL only', { error }),
 * };
 * ```
 */
export interface SecretsManagerSourceOptions {
  /** An injected client (see `createSecretsManagerClient`); never constructed here, so tests can mock it. */
  readonly client: SecretsManagerClient;
  /** The secret's name or ARN. */
  readonly secretId: string;
  /**
   * Also read `NextRotationDate` (one `DescribeSecret` per load, which needs `secretsmanager:DescribeSecret`
   * in IAM) so the cache expires when the secret rotates. Default false: the TTL alone applies.
   */
  readonly fetchRotationDate?: boolean;
  /**
   * Told when `DescribeSecret` fails (to log it). The load goes on without a rotation date: the rotation
   * date only shortens the cache lifetime, so losing it must not make the secret unavailable.
   */
  readonly onRotationDateError?: (error: unknown) => void;
}

/**
 * Makes a {@link FetchSecret} that reads the current version (`AWSCURRENT`) of one secret from AWS Secrets
 * Manager with `GetSecretValue`, and optionally its next rotation date with `DescribeSecret` (in parallel,
 * so the extra call adds no latency).
 *
 * A binary secret (no `SecretString`) is rejected with `SecretInvalidError`: the secrets of this service
 * are JSON documents. Any SDK error is passed through unchanged for the cache to classify and retry.
 *
 * @example
 * ```ts
 * const client = createSecretsManagerClient({ requestTimeoutMs: 1_000, connectionTimeoutMs: 500 });
 * const fetchSecret = secretsManagerSource({ client, secretId: 'prod/token-issuer/trtc', fetchRotationDate: true });
 * const { secretString, versionId, nextRotationDate } = await fetchSecret();
 * ```
 */
export function secretsManagerSource(options: SecretsManagerSourceOptions): FetchSecret {
  const { client, secretId, fetchRotationDate = false, onRotationDateError } = options;
  if (typeof client?.send !== 'function') {
    throw new TypeError('secretsManagerSource: client must be a SecretsManagerClient');
  }
  if (typeof secretId !== 'string' || secretId === '') {
    throw new TypeError('secretsManagerSource: secretId must be a non-empty string');
  }

  const readRotationDate = async (): Promise<Date | undefined> => {
    let described: DescribeSecretCommandOutput;
    try {
      described = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
    } catch (error) {
      onRotationDateError?.(error);
      return undefined;
    }
    return described.NextRotationDate;
  };

  return async () => {
    // Both calls start together, but only the secret is waited for: a slow DescribeSecret must not
    // hold a cold request for its whole timeout. A rotation date arriving later than the grace is
    // dropped for this load (the TTL alone applies; the next load asks again).
    const rotation = fetchRotationDate ? readRotationDate() : undefined;
    const value = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    const nextRotationDate = rotation && (await settledWithin(rotation, ROTATION_DATE_GRACE_MS));
    if (typeof value.SecretString !== 'string') {
      throw new SecretInvalidError(
        `secret "${secretId}" has no SecretString (binary secrets are not supported; store a JSON string)`,
        { secretName: secretId },
      );
    }
    const result: { -readonly [K in keyof SecretFetchResult]: SecretFetchResult[K] } = {
      secretString: value.SecretString,
    };
    if (value.VersionId !== undefined) result.versionId = value.VersionId;
    if (nextRotationDate !== undefined) result.nextRotationDate = nextRotationDate;
    return result;
  };
}

/** How long a load waits for the rotation date once the secret itself has arrived. */
export const ROTATION_DATE_GRACE_MS = 100;

function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(resolve, ms, undefined);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
