import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import * as v from 'valibot';
import type { StsClient, TemporaryKey, TemporaryKeyRequest } from './StsClient';
import { StsError } from './StsError';

/**
 * Options of {@link createTencentStsClient}.
 *
 * @example
 * ```ts
 * const options: TencentStsClientOptions = { endpoint: 'https://sts.tencentcloudapi.com', timeoutMs: 2000, retryAfterSeconds: 2 };
 * ```
 */
export interface TencentStsClientOptions {
  /** The STS origin: `https://sts.tencentcloudapi.com`, a regional one, or a loopback fake (http). */
  readonly endpoint: string;
  /** AssumeRole with this role instead of GetFederationToken. */
  readonly roleArn?: string;
  /** Per attempt, connect to last byte. */
  readonly timeoutMs: number;
  /** The `Retry-After` of the 503 when STS fails. */
  readonly retryAfterSeconds: number;
}

/** GetFederationToken's `Name` is letters only (STS API reference). */
const FEDERATION_NAME = 'tokenissuer';

const nonEmpty = v.pipe(v.string(), v.nonEmpty());
const ResponseSchema = v.object({
  Credentials: v.object({ Token: nonEmpty, TmpSecretId: nonEmpty, TmpSecretKey: nonEmpty }),
  ExpiredTime: v.pipe(v.number(), v.safeInteger(), v.minValue(1)),
  RequestId: v.optional(v.string()),
});

/** What the SDK's exceptions carry (TencentCloudSDKHttpException). */
interface SdkError {
  readonly message?: unknown;
  readonly code?: unknown;
  readonly httpCode?: unknown;
  readonly requestId?: unknown;
}

/**
 * Creates the STS client of this service on Tencent's official `tencentcloud-sdk-nodejs-sts` (requests
 * signed with TC3-HMAC-SHA256 by `tencentcloud-sdk-nodejs-common`). The SDK is imported here, when STS is
 * configured, so that functions that never use STS never load it (await this at cold start).
 *
 * Each call asks for a key with `GetFederationToken` (or `AssumeRole` when `roleArn` is set, with the
 * session name `tti-<userId>`). A network failure is tried once more on a fresh connection (a kept-alive
 * socket may have died while the container was frozen); an STS error answer is not retried. Every
 * failure is a `StsError('STS_UNAVAILABLE')` naming the STS error code, never a key.
 *
 * @example
 * ```ts
 * const sts = await createTencentStsClient({ endpoint: 'https://sts.tencentcloudapi.com', timeoutMs: 2000, retryAfterSeconds: 2 });
 * const key = await sts.issue({ secretId, secretKey, region: 'ap-guangzhou', policy, durationSeconds: 1800, userId: 'alice' });
 * ```
 */
export async function createTencentStsClient(options: TencentStsClientOptions): Promise<StsClient> {
  const endpoint = new URL(options.endpoint);
  if (endpoint.protocol !== 'https:' && endpoint.protocol !== 'http:') {
    throw new TypeError('endpoint must be an http(s) URL');
  }
  if (!(options.timeoutMs > 0)) throw new TypeError('timeoutMs must be positive');
  const { sts } = await import('tencentcloud-sdk-nodejs-sts');
  const StsSdkClient = sts.v20180813.Client;
  // Our own agent, also so that the SDK never picks up an http_proxy variable.
  const agent =
    endpoint.protocol === 'https:' ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const fail = (message: string, extra: { stsCode?: string; requestId?: string; cause?: unknown } = {}) =>
    new StsError('STS_UNAVAILABLE', message, { retryAfterSeconds: options.retryAfterSeconds, ...extra });

  const call = async (request: TemporaryKeyRequest): Promise<unknown> => {
    const client = new StsSdkClient({
      credential: { secretId: request.secretId, secretKey: request.secretKey },
      region: request.region,
      profile: {
        httpProfile: {
          endpoint: endpoint.host,
          protocol: `${endpoint.protocol}//`,
          reqTimeout: options.timeoutMs / 1000,
          agent,
        },
      },
    });
    // The API takes the policy URL-encoded; STS decodes it.
    const policy = encodeURIComponent(JSON.stringify(request.policy));
    return options.roleArn === undefined
      ? client.GetFederationToken({
          Name: FEDERATION_NAME,
          Policy: policy,
          DurationSeconds: request.durationSeconds,
        })
      : client.AssumeRole({
          RoleArn: options.roleArn,
          RoleSessionName: `tti-${request.userId}`,
          Policy: policy,
          DurationSeconds: request.durationSeconds,
        });
  };

  return {
    async issue(request: TemporaryKeyRequest): Promise<TemporaryKey> {
      let response: unknown;
      for (let attempt = 1; ; attempt++) {
        try {
          response = await call(request);
          break;
        } catch (error) {
          const sdkError = (typeof error === 'object' && error !== null ? error : {}) as SdkError;
          const stsCode = typeof sdkError.code === 'string' ? sdkError.code : undefined;
          const requestId =
            typeof sdkError.requestId === 'string' && sdkError.requestId !== ''
              ? sdkError.requestId
              : undefined;
          const detail = typeof sdkError.message === 'string' ? sdkError.message : String(error);
          if (stsCode !== undefined) {
            throw fail(`STS refused the request (${stsCode})`, {
              stsCode,
              ...(requestId ? { requestId } : {}),
            });
          }
          if (typeof sdkError.httpCode === 'number') {
            throw fail(`STS answered HTTP ${sdkError.httpCode}`, { cause: detail });
          }
          if (attempt >= 2) throw fail('STS could not be reached', { cause: detail });
        }
      }
      const parsed = v.safeParse(ResponseSchema, response);
      if (!parsed.success) throw fail('STS answered without usable credentials');
      const { Credentials, ExpiredTime, RequestId } = parsed.output;
      return {
        tmpSecretId: Credentials.TmpSecretId,
        tmpSecretKey: Credentials.TmpSecretKey,
        securityToken: Credentials.Token,
        // STS's clock: the issue time is the expiry minus the duration asked for.
        startTime: ExpiredTime - request.durationSeconds,
        expiredTime: ExpiredTime,
        ...(RequestId === undefined ? {} : { requestId: RequestId }),
      };
    },
  };
}
