import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/**
 * Options of {@link createSecretsManagerClient}.
 *
 * @example
 * ```ts
 * const options: SecretsManagerClientOptions = { region: 'ap-east-1', requestTimeoutMs: 1_000, connectionTimeoutMs: 500 };
 * ```
 */
export interface SecretsManagerClientOptions {
  /** The AWS region; when omitted the SDK's default chain applies (`AWS_REGION`, set by Lambda). */
  readonly region?: string;
  /** Upper bound for one whole request (connect, send, wait, receive), in ms. */
  readonly requestTimeoutMs: number;
  /** Upper bound for establishing the TCP/TLS connection, in ms. */
  readonly connectionTimeoutMs: number;
}

/**
 * Builds the Secrets Manager client for `secretsManagerSource`, tuned for a request path:
 *
 * - `maxAttempts: 1`: the secret cache retries (with its own backoff, classification and time budget);
 *   SDK retries on top would multiply the attempts and the worst-case latency.
 * - Timeouts on every request. With `@smithy/node-http-handler` 4.x a plain-object `requestHandler` is
 *   accepted, but `requestTimeout` alone only logs a warning when exceeded; `throwOnRequestTimeout: true`
 *   makes it fail the request, which is what lets the cache retry instead of hanging until Lambda's
 *   own timeout.
 *
 * The endpoint is not an option: the SDK reads `AWS_ENDPOINT_URL_SECRETS_MANAGER` itself (how local runs
 * and tests point it at a loopback server), and production uses the regional default.
 *
 * @example
 * ```ts
 * // once per container, outside the handler
 * const client = createSecretsManagerClient({ requestTimeoutMs: 1_000, connectionTimeoutMs: 500 });
 * ```
 */
export function createSecretsManagerClient(options: SecretsManagerClientOptions): SecretsManagerClient {
  const { region, requestTimeoutMs, connectionTimeoutMs } = options;
  for (const [name, value] of [
    ['requestTimeoutMs', requestTimeoutMs],
    ['connectionTimeoutMs', connectionTimeoutMs],
  ] as const) {
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new TypeError(`createSecretsManagerClient: ${name} must be a positive integer`);
    }
  }
  if (region !== undefined && (typeof region !== 'string' || region === '')) {
    throw new TypeError('createSecretsManagerClient: region must be a non-empty string');
  }
  return new SecretsManagerClient({
    ...(region === undefined ? {} : { region }),
    maxAttempts: 1,
    requestHandler: {
      requestTimeout: requestTimeoutMs,
      connectionTimeout: connectionTimeoutMs,
      throwOnRequestTimeout: true,
    },
  });
}
