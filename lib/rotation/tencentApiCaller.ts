import { Agent } from 'node:http';
import { CommonClient } from 'tencentcloud-sdk-nodejs-common';
import { RotationError } from './RotationError';

// Tencent Cloud API 3.0 calls through the official SDK's CommonClient, which signs every request with
// TC3-HMAC-SHA256. The SDK names the signed service after the endpoint's first host label ("cam" for
// cam.tencentcloudapi.com), so an endpoint is always addressed by its public host name. A loopback URL
// (tests only: http://127.0.0.1:<port>) keeps that host name, adds the port, and resolves it to
// 127.0.0.1 through the connection agent, so the request is signed exactly as for Tencent.

/**
 * One Tencent Cloud API product: where it is and which API version to speak.
 *
 * @example
 * ```ts
 * const cam: TencentApiService = { url: 'https://cam.tencentcloudapi.com', host: 'cam.tencentcloudapi.com', version: '2019-01-16' };
 * ```
 */
export interface TencentApiService {
  /** `https://<host>` or, in tests, `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** The public host name whose first label is the service (`cam.tencentcloudapi.com`). */
  readonly host: string;
  readonly version: string;
}

/** An API key pair (long-lived, as CAM issues it). */
export interface TencentCredential {
  readonly secretId: string;
  readonly secretKey: string;
}

/** Calls one action with a JSON body and resolves the `Response` object (without `RequestId`). */
export type TencentApiCall = (
  action: string,
  params: Record<string, unknown>,
) => Promise<Record<string, unknown>>;

/**
 * Makes a caller for one service and one credential.
 *
 * @throws {TypeError} for a URL that is neither https nor loopback http.
 *
 * @example
 * ```ts
 * const call = tencentApiCaller(cam, { secretId, secretKey }, { timeoutMs: 5_000 });
 * const { AccessKeys } = await call('ListAccessKeys', { TargetUin: 100001 });
 * ```
 */
export function tencentApiCaller(
  service: TencentApiService,
  credential: TencentCredential,
  options: { readonly timeoutMs: number },
): TencentApiCall {
  const url = new URL(service.url);
  const loopback = url.protocol === 'http:' && url.hostname === '127.0.0.1';
  if (url.protocol !== 'https:' && !loopback) {
    throw new TypeError('a Tencent Cloud API URL must be https (http only on 127.0.0.1)');
  }
  const agent = loopback
    ? new Agent({
        keepAlive: false,
        lookup: ((_host: string, lookupOptions: { all?: boolean }, done: (...args: unknown[]) => void) => {
          if (lookupOptions?.all) done(null, [{ address: '127.0.0.1', family: 4 }]);
          else done(null, '127.0.0.1', 4);
        }) as never,
      })
    : undefined;
  const client = new CommonClient(loopback ? `${service.host}:${url.port}` : url.host, service.version, {
    credential: { secretId: credential.secretId, secretKey: credential.secretKey },
    profile: {
      httpProfile: {
        protocol: loopback ? 'http://' : 'https://',
        reqTimeout: Math.max(1, Math.ceil(options.timeoutMs / 1000)),
        ...(agent === undefined ? {} : { agent }),
      },
    },
  });
  return async (action, params) => {
    try {
      const response = (await client.request(action, params)) as Record<string, unknown>;
      const { RequestId: _requestId, ...result } = response;
      return result;
    } catch (error) {
      throw toRotationError(action, error);
    }
  };
}

function toRotationError(action: string, error: unknown): RotationError {
  // TencentCloudSDKHttpException: `code` from Tencent's answer, `httpCode` for an HTTP error, else a
  // network failure whose message is node-fetch's (it names the host, never the credential).
  const details = (error ?? {}) as {
    code?: unknown;
    httpCode?: unknown;
    requestId?: unknown;
    message?: unknown;
  };
  const code = typeof details.code === 'string' && details.code !== '' ? details.code : undefined;
  const requestId =
    typeof details.requestId === 'string' && details.requestId !== '' ? details.requestId : '';
  const why =
    code !== undefined
      ? `Tencent answered ${code}${requestId ? ` (RequestId ${requestId})` : ''}`
      : typeof details.httpCode === 'number'
        ? `HTTP ${details.httpCode}`
        : 'no answer (network error or timeout)';
  return new RotationError('TENCENT_API_ERROR', `${action} failed: ${why}`, { tencentCode: code });
}
