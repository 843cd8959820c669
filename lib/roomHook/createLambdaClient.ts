import { LambdaClient } from '@aws-sdk/client-lambda';

/**
 * Builds the Lambda client that invokes the room hook, tuned for a request path: one attempt (a retry
 * would double the worst-case wait of a request the caller is blocked on; the client retries on a 503
 * with `Retry-After`) and socket timeouts as long as the hook's whole budget, which the caller also
 * enforces with an abort signal. The endpoint comes from the SDK's own configuration
 * (`AWS_ENDPOINT_URL_LAMBDA` in local runs and tests, the regional endpoint in production).
 *
 * @example
 * ```ts
 * const client = createLambdaClient({ timeoutMs: 1000 }); // once per container
 * ```
 */
export function createLambdaClient(options: { readonly timeoutMs: number }): LambdaClient {
  const { timeoutMs } = options;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) {
    throw new TypeError('createLambdaClient: timeoutMs must be a positive integer');
  }
  return new LambdaClient({
    maxAttempts: 1,
    requestHandler: { requestTimeout: timeoutMs, connectionTimeout: timeoutMs, throwOnRequestTimeout: true },
  });
}
