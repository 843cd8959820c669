import { createRequire } from 'node:module';

// The TencentCloud API 3.0 signer of Tencent's official Node SDK (tencentcloud-sdk-nodejs-common), loaded
// once: the loopback STS checks every request with it, so a request passes only if the SDK's own code
// computes the same Authorization from what arrived.

const require = createRequire(import.meta.url);

interface Sign3Input {
  method: string;
  url: string;
  payload: Buffer;
  timestamp: number;
  service: string;
  secretId: string;
  secretKey: string;
  multipart: false;
  headers: Record<string, string>;
}

const Sign = (
  require('tencentcloud-sdk-nodejs-common/tencentcloud/common/sign.js') as {
    default: { sign3(input: Sign3Input): string };
  }
).default;

/**
 * The `Authorization` header (TC3-HMAC-SHA256) that the SDK computes for a JSON POST.
 *
 * @example
 * ```ts
 * const authorization = tc3Signature({ method: 'POST', url: 'https://sts.tencentcloudapi.com/', payload, timestamp, service: 'sts', secretId, secretKey, contentType: 'application/json' });
 * ```
 */
export function tc3Signature(input: {
  method: string;
  url: string;
  payload: Buffer;
  timestamp: number;
  service: string;
  secretId: string;
  secretKey: string;
  contentType: string;
}): string {
  const { contentType, ...rest } = input;
  return Sign.sign3({ ...rest, multipart: false, headers: { 'Content-Type': contentType } });
}
