import { createHmac, hash } from 'node:crypto';
import {
  type CosParamEntries,
  type CosParams,
  type CosParamValue,
  cosHttpStringOfEntries,
} from './cosHttpString';
import {
  requireCosCredentials,
  requireCosObject,
  requireCosString,
  requireCosUnixSeconds,
  requireCosWellFormed,
} from './cosInput';
import { SignError } from './SignError';

// Outside this set the SDK's two sort orders (raw vs encoded names) can disagree.
const PARAM_NAME = /^[A-Za-z0-9._~-]+$/;
const METHOD = /^[A-Za-z]+$/;
// A raw control character cannot travel in a request line, so whatever path the server sees, it is
// not the one signed; a newline would also add a line to the HttpString.
// The Cc category spelled out as ranges: same set as /\p{Cc}/u, without the Unicode-property cost.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Input of {@link cosAuthorization}. Times are Unix seconds; `headers` must include the `Host` header
 * that will be sent (nothing is added on the caller's behalf).
 *
 * @example
 * ```ts
 * const input: CosAuthorizationInput = {
 *   secretId, secretKey, method: 'GET', pathname: '/a.txt',
 *   headers: { Host: 'examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com' },
 *   startTime: now, endTime: now + 600,
 * };
 * ```
 */
export interface CosAuthorizationInput {
  readonly secretId: string;
  readonly secretKey: string;
  /** HTTP method, letters only; signed lower-cased. */
  readonly method: string;
  /** Request path starting with `/`, not URL-encoded (`/文件/a b.txt`). */
  readonly pathname: string;
  /** URL parameters to sign; names `[A-Za-z0-9._~-]+`, unique ignoring case. */
  readonly query?: CosParams;
  /** Request headers; only the ones COS signs are kept. Same name rules as `query`. */
  readonly headers?: CosParams;
  readonly startTime: number;
  readonly endTime: number;
}

/**
 * Computes the COS XML API (v5) `Authorization` value, identical to `COS.getAuthorization` of
 * cos-nodejs-sdk-v5 3.0.0 called with the same request and `KeyTime: startTime;endTime`.
 *
 * Headers named `x-cos-*`/`x-ci-*` (anywhere in the name) and a fixed list including `Host`,
 * `Content-Type` and `Cache-Control` are signed; others are ignored. The result can be sent as the
 * `Authorization` header or appended to a pre-signed URL's query.
 *
 * @throws {TypeError} when an argument has the wrong JavaScript type.
 * @throws {SignError} `ERR_INPUT` when a value cannot be signed unambiguously.
 *
 * @example
 * ```ts
 * const authorization = cosAuthorization({
 *   secretId: 'AKIDEXAMPLE-not-a-real-id',
 *   secretKey,
 *   method: 'PUT',
 *   pathname: '/photos/cat.jpg',
 *   headers: { Host: 'examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com', 'Content-Type': 'image/jpeg' },
 *   startTime: now,
 *   endTime: now + 600,
 * });
 * // 'q-sign-algorithm=sha1&q-ak=AKID...&q-sign-time=...&q-header-list=content-type;host&...&q-signature=...'
 * ```
 */
export function cosAuthorization(input: CosAuthorizationInput): string {
  const fields = requireCosObject(input, 'cosAuthorization input');
  const { secretId, secretKey } = requireCosCredentials(fields.secretId, fields.secretKey);

  const method = requireCosString(fields.method, 'method');
  if (!METHOD.test(method)) throw new SignError('ERR_INPUT', 'method must be an HTTP method made of letters');

  const pathname = requireCosString(fields.pathname, 'pathname');
  if (!pathname.startsWith('/')) throw new SignError('ERR_INPUT', 'pathname must start with "/"');
  if (CONTROL.test(pathname)) {
    throw new SignError('ERR_INPUT', 'pathname must not contain control characters');
  }
  requireCosWellFormed(pathname, 'pathname');

  const query = readParams(fields.query, 'query');
  const headers = readParams(fields.headers, 'headers');

  const startTime = requireCosUnixSeconds(fields.startTime, 'startTime');
  const endTime = requireCosUnixSeconds(fields.endTime, 'endTime');
  if (startTime > endTime) throw new SignError('ERR_INPUT', 'startTime must not be after endTime');

  const keyTime = `${startTime};${endTime}`;
  const { httpString, headerList, urlParamList } = cosHttpStringOfEntries(method, pathname, query, headers);
  const { signature } = cosSignatureOfHttpString(secretKey, keyTime, keyTime, httpString);

  return `q-sign-algorithm=sha1&q-ak=${secretId}&q-sign-time=${keyTime}&q-key-time=${keyTime}&q-header-list=${headerList}&q-url-param-list=${urlParamList}&q-signature=${signature}`;
}

function readParams(value: unknown, name: 'query' | 'headers'): CosParamEntries {
  if (value === undefined) return [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${name} must be a plain object`);
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  // A Map or class instance would silently sign none of its entries.
  if (prototype !== Object.prototype && prototype !== null) {
    throw new TypeError(`${name} must be a plain object`);
  }

  const seen = new Set<string>();
  const entries: [string, CosParamValue][] = [];
  // Labels for error messages are built only when there is an error: this loop is on the hot path.
  const label = (key: string) => `${name} name ${JSON.stringify(key)}`;
  const valueLabel = (key: string) => `${name} value of ${JSON.stringify(key)}`;
  for (const [key, raw] of Object.entries(value)) {
    if (!PARAM_NAME.test(key)) {
      throw new SignError('ERR_INPUT', `${label(key)} must match [A-Za-z0-9._~-]+`);
    }
    // The SDK copies parameters with plain assignment, which turns an own "__proto__" into nothing.
    if (key === '__proto__') throw new SignError('ERR_INPUT', `${label(key)} is not allowed`);
    const lower = key.toLowerCase();
    if (seen.has(lower)) {
      throw new SignError(
        'ERR_INPUT',
        `${label(key)} repeats another ${name} name that differs only in case`,
      );
    }
    seen.add(lower);

    if (typeof raw === 'string') {
      if (!raw.isWellFormed()) requireCosWellFormed(raw, valueLabel(key));
    } else if (typeof raw === 'number') {
      if (!Number.isFinite(raw)) {
        throw new SignError('ERR_INPUT', `${valueLabel(key)} must be a finite number`);
      }
    } else {
      throw new TypeError(`${valueLabel(key)} must be a string or a number`);
    }
    entries.push([key, raw]);
  }
  return entries;
}

/**
 * The last two steps of the COS v5 signature, over an already built `HttpString`: `SignKey =
 * HMAC-SHA1(SecretKey, KeyTime)` (hex), `StringToSign = "sha1\n" + SignTime + "\n" + SHA1(HttpString)
 * + "\n"`, `Signature = HMAC-SHA1(SignKey, StringToSign)` (hex). The SDKs always pass the same value as
 * KeyTime and SignTime; COS reads them from `q-key-time` and `q-sign-time`, so a diagnostic needs them
 * apart. No input checks: callers pass validated values. The SignKey is not returned: it signs any
 * request of its key time.
 *
 * @example
 * ```ts
 * const { stringToSign, signature } = cosSignatureOfHttpString(secretKey, '1700000000;1700003600',
 *   '1700000000;1700003600', 'get\n/exampleobject.txt\n\n\n');
 * ```
 */
export function cosSignatureOfHttpString(
  secretKey: string,
  keyTime: string,
  signTime: string,
  httpString: string,
): { readonly stringToSign: string; readonly signature: string } {
  // The SignKey is used as the next HMAC key in its hex form, not as the 20 raw bytes.
  const signKey = createHmac('sha1', secretKey).update(keyTime, 'utf8').digest('hex');
  // One-shot hashing: about 3x cheaper than createHash().update().digest() for a string this short.
  const httpStringSha1 = hash('sha1', httpString, 'hex');
  const stringToSign = `sha1\n${signTime}\n${httpStringSha1}\n`;
  const signature = createHmac('sha1', signKey).update(stringToSign, 'utf8').digest('hex');
  return { stringToSign, signature };
}
