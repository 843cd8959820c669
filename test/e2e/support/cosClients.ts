import COS from 'cos-nodejs-sdk-v5';
import { type FakeCos, startFakeCos } from '../../support/fakeCos';
import type { FakeCamPolicy } from '../../support/fakeTemporaryKeys';
import { post, sessionToken } from './client';
import { E2E_COS_SECRET, E2E_STS_SEED } from './fixtures';

// cos-nodejs-sdk-v5 wired to the running service exactly as the README shows, talking to a loopback COS
// bucket (started by the test file) through the SDK's Proxy option: the official client end to end.

/** Where the SDK's requests go: the e2e bucket, region and keys. */
export const E2E_BUCKET = { Bucket: E2E_COS_SECRET.bucket, Region: E2E_COS_SECRET.region } as const;

/**
 * A loopback COS bucket for the e2e COS secret: the bucket key may do what `bucketKeyPolicy` allows
 * (everything without one), temporary keys from the stack's loopback STS what their policy says.
 *
 * @example
 * ```ts
 * const cos = await startE2eCos();
 * ```
 */
export function startE2eCos(bucketKeyPolicy?: FakeCamPolicy): Promise<FakeCos> {
  return startFakeCos({
    appId: E2E_COS_SECRET.appId,
    bucket: E2E_COS_SECRET.bucket,
    region: E2E_COS_SECRET.region,
    permanentKeys: {
      [E2E_COS_SECRET.secretId]: {
        secretKey: E2E_COS_SECRET.secretKey,
        ...(bucketKeyPolicy === undefined ? {} : { policy: bucketKeyPolicy }),
      },
    },
    stsSeed: E2E_STS_SEED,
  });
}

/** Counts the hook's calls to the service, to see how often the SDK asks. */
export interface HookCounter {
  calls: number;
}

/**
 * A client whose `getAuthorization` fetches temporary credentials from `POST /v1/cos/credentials` and
 * hands the response body to the SDK as it is.
 *
 * @example
 * ```ts
 * const client = credentialsClient(cos, 'alice');
 * await client.putObject({ ...E2E_BUCKET, Key: 'users/alice/a.png', Body: data, ContentType: 'image/png' });
 * ```
 */
export function credentialsClient(
  cos: FakeCos,
  userId: string,
  counter: HookCounter = { calls: 0 },
  baseUrl?: string,
): COS {
  return new COS({
    Protocol: 'http:',
    Proxy: cos.proxyUrl,
    getAuthorization: (_options, callback) => {
      counter.calls += 1;
      void (async () => {
        const response = await post('/v1/cos/credentials', {
          token: await sessionToken(userId),
          body: {},
          ...(baseUrl === undefined ? {} : { baseUrl }),
        });
        if (response.status !== 200) throw new Error(`credentials: ${response.status} ${response.text}`);
        callback(response.json as COS.GetAuthorizationCallbackParams);
      })();
    },
  });
}

/**
 * A client whose `getAuthorization` asks `POST /v1/cos/sign` to sign each request from the SDK's own
 * description of it, unchanged. A refusal is passed to the SDK as an unusable signature, so the SDK call
 * fails with an error that carries the service's answer.
 *
 * @example
 * ```ts
 * const client = signingClient(cos, 'alice');
 * ```
 */
export function signingClient(
  cos: FakeCos,
  userId: string,
  counter: HookCounter = { calls: 0 },
  baseUrl?: string,
): COS {
  return new COS({
    Protocol: 'http:',
    Proxy: cos.proxyUrl,
    getAuthorization: (options, callback) => {
      counter.calls += 1;
      void (async () => {
        const response = await post('/v1/cos/sign', {
          token: await sessionToken(userId),
          body: { method: options.Method, key: options.Key, query: options.Query, headers: options.Headers },
          ...(baseUrl === undefined ? {} : { baseUrl }),
        });
        const json = response.json as { authorization?: string; securityToken?: string };
        if (response.status !== 200 || json.authorization === undefined) {
          // The SDK rejects a malformed Authorization with its "format error" and makes no request.
          callback({
            Authorization: `refused ${response.status} ${response.text}`,
          } as COS.GetAuthorizationCallbackParams);
          return;
        }
        // The SDK's types list only the temporary-credentials shape; it takes { Authorization, SecurityToken } too.
        callback({
          Authorization: json.authorization,
          ...(json.securityToken === undefined ? {} : { SecurityToken: json.securityToken }),
        } as COS.GetAuthorizationCallbackParams);
      })();
    },
  });
}

/** Awaits an SDK promise that must fail and returns its error. */
export async function sdkFailure(
  promise: Promise<unknown>,
): Promise<{ statusCode?: number; code?: string; message?: string }> {
  const outcome = await promise.then(
    () => ({ failed: false as const }),
    (error: unknown) => ({ failed: true as const, error }),
  );
  if (!outcome.failed) throw new Error('the SDK call succeeded, expected a failure');
  return outcome.error as { statusCode?: number; code?: string; message?: string };
}
