import { createHmac } from 'node:crypto';
import { cosUriEncode } from './cosEncoding';
import {
  requireCosCredentials,
  requireCosObject,
  requireCosString,
  requireCosUnixSeconds,
  requireCosWellFormed,
} from './cosInput';
import { SignError } from './SignError';

/**
 * Which official library's plain-text layout to reproduce. The service accepts either; the field order
 * and the file-id encoding are part of the signed text, so byte-compatibility needs a choice.
 *
 * - `'php-sdk-v4'`: cos-php-sdk-v4 `Auth`: order `a,b,k,e,t,r,f`, file id encoded like
 *   `rawurlencode` with `/` kept.
 * - `'cos-nodejs-sdk-v5'`: `getV4Auth` of cos-nodejs-sdk-v5: order `a,b,k,t,e,r,f`, file id encoded
 *   with `encodeURIComponent` (which keeps `! ' ( ) *`) with `/` kept.
 *
 * @example
 * ```ts
 * const layout: CosV4Layout = 'cos-nodejs-sdk-v5';
 * ```
 */
export type CosV4Layout = 'php-sdk-v4' | 'cos-nodejs-sdk-v5';

/**
 * Input of {@link cosV4Signature}. Times are Unix seconds.
 *
 * @example
 * ```ts
 * const input: CosV4SignatureInput = {
 *   appId: '1250000000', secretId, secretKey, bucket: 'examplebucket',
 *   expiration: now + 600, now, random: randomInt(2 ** 32), filepath: 'photos/cat.jpg',
 * };
 * ```
 */
export interface CosV4SignatureInput {
  /** APPID: decimal digits without leading zeros, or a non-negative safe integer. */
  readonly appId: string | number;
  readonly secretId: string;
  readonly secretKey: string;
  /** Short bucket name (without `-APPID`), `[a-z0-9-]+`. */
  readonly bucket: string;
  /** Absolute expiry in Unix seconds, after `now`; `0` asks for a one-time signature. */
  readonly expiration: number;
  readonly now: number;
  /** The `r` nonce: an integer from 0 to 9999999999. */
  readonly random: number;
  /** Object key inside the bucket (one leading `/` optional); binds the signature to that file. */
  readonly filepath?: string;
  /** Defaults to `'php-sdk-v4'`. */
  readonly layout?: CosV4Layout;
}

const FIELD_ORDER: Readonly<Record<CosV4Layout, readonly PlainTextField[]>> = {
  'php-sdk-v4': ['a', 'b', 'k', 'e', 't', 'r', 'f'],
  'cos-nodejs-sdk-v5': ['a', 'b', 'k', 't', 'e', 'r', 'f'],
};
type PlainTextField = 'a' | 'b' | 'k' | 'e' | 't' | 'r' | 'f';

const APP_ID = /^(?:0|[1-9][0-9]*)$/;
const BUCKET = /^[a-z0-9-]+$/;
const MAX_RANDOM = 9_999_999_999;

/**
 * Computes a legacy COS JSON API (v4) signature:
 * `base64(HMAC-SHA1(secretKey, plainText) || plainText)`.
 *
 * With `expiration: 0` the signature is one-time (`e=0`, bound to `filepath`, which is then
 * required); otherwise it is reusable until `expiration`, bucket-wide when `filepath` is omitted.
 * The `f` field is `/<appId>/<bucket>/<encoded path>`.
 *
 * @throws {TypeError} when an argument has the wrong JavaScript type.
 * @throws {SignError} `ERR_INPUT` when a value cannot be signed unambiguously.
 *
 * @example
 * ```ts
 * const signature = cosV4Signature({
 *   appId: '1250000000',
 *   secretId: 'AKIDEXAMPLE-not-a-real-id',
 *   secretKey,
 *   bucket: 'examplebucket',
 *   expiration: 0,
 *   now,
 *   random: randomInt(2 ** 32),
 *   filepath: 'to delete.txt',
 * });
 * ```
 */
export function cosV4Signature(input: CosV4SignatureInput): string {
  const fields = requireCosObject(input, 'cosV4Signature input');
  const { secretId, secretKey } = requireCosCredentials(fields.secretId, fields.secretKey);
  const appId = readAppId(fields.appId);

  const bucket = requireCosString(fields.bucket, 'bucket');
  if (!BUCKET.test(bucket)) throw new SignError('ERR_INPUT', 'bucket must match [a-z0-9-]+');

  const now = requireCosUnixSeconds(fields.now, 'now');
  const expiration = requireCosUnixSeconds(fields.expiration, 'expiration');
  if (expiration !== 0 && expiration <= now) {
    throw new SignError('ERR_INPUT', 'expiration must be after now (or 0 for a one-time signature)');
  }

  if (typeof fields.random !== 'number') throw new TypeError('random must be a number');
  const random = fields.random;
  if (!Number.isSafeInteger(random) || random < 0 || random > MAX_RANDOM) {
    throw new SignError('ERR_INPUT', 'random must be an integer from 0 to 9999999999');
  }

  const layout = readLayout(fields.layout);
  const path = readFilepath(fields.filepath);
  if (expiration === 0 && path === undefined) {
    throw new SignError('ERR_INPUT', 'a one-time signature (expiration 0) needs a filepath');
  }

  const values: Record<PlainTextField, string> = {
    a: appId,
    b: bucket,
    k: secretId,
    e: String(expiration),
    t: String(now),
    r: String(random),
    f: path === undefined ? '' : `/${appId}/${bucket}/${encodePath(path, layout)}`,
  };
  const plainText = FIELD_ORDER[layout].map((name) => `${name}=${values[name]}`).join('&');
  const plainBytes = Buffer.from(plainText, 'utf8');
  const mac = createHmac('sha1', secretKey).update(plainBytes).digest();
  return Buffer.concat([mac, plainBytes]).toString('base64');
}

function readAppId(value: unknown): string {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new SignError('ERR_INPUT', 'appId must be a non-negative integer');
    }
    return String(value);
  }
  const appId = requireCosString(value, 'appId');
  // A leading zero would sign an APPID that is a different string from the same number.
  if (!APP_ID.test(appId) || !Number.isSafeInteger(Number(appId))) {
    throw new SignError('ERR_INPUT', 'appId must be decimal digits without leading zeros');
  }
  return appId;
}

function readLayout(value: unknown): CosV4Layout {
  if (value === undefined) return 'php-sdk-v4';
  const layout = requireCosString(value, 'layout');
  if (layout !== 'php-sdk-v4' && layout !== 'cos-nodejs-sdk-v5') {
    throw new SignError('ERR_INPUT', 'layout must be "php-sdk-v4" or "cos-nodejs-sdk-v5"');
  }
  return layout;
}

/** Returns the path without its optional leading `/`, or `undefined` when no filepath was given. */
function readFilepath(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const filepath = requireCosString(value, 'filepath');
  // PHP signs "" as a bucket-wide `f=` while the Node SDK signs `f=/<appId>/<bucket>/`.
  if (filepath.length === 0) {
    throw new SignError('ERR_INPUT', 'filepath must not be empty (omit it for a bucket-wide signature)');
  }
  // PHP keeps extra leading slashes in the file id, the Node SDK strips them all.
  if (filepath.startsWith('//')) throw new SignError('ERR_INPUT', 'filepath must not start with "//"');
  requireCosWellFormed(filepath, 'filepath');
  return filepath.startsWith('/') ? filepath.slice(1) : filepath;
}

function encodePath(path: string, layout: CosV4Layout): string {
  const encodeSegment = layout === 'php-sdk-v4' ? cosUriEncode : encodeURIComponent;
  return path
    .split('/')
    .map((segment) => encodeSegment(segment))
    .join('/');
}
