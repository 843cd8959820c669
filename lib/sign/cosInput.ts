import { SignError } from './SignError';

// \s plus the Cc category spelled out as ranges (same set as /[\s\p{Cc}]/u, cheaper to test).
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds
const WHITESPACE_OR_CONTROL = /[\s\u0000-\u001f\u007f-\u009f]/;

/**
 * Returns `value` as a record of its fields, or throws a `TypeError` when it is not a non-array object.
 *
 * @example
 * ```ts
 * const fields = requireCosObject(input, 'cosAuthorization input');
 * ```
 */
export function requireCosObject(value: unknown, name: string): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${name} must be an object`);
  }
  return value as Readonly<Record<string, unknown>>;
}

/**
 * Returns `value` when it is a string, or throws a `TypeError`.
 *
 * @example
 * ```ts
 * const method = requireCosString(fields.method, 'method');
 * ```
 */
export function requireCosString(value: unknown, name: string): string {
  if (typeof value !== 'string') throw new TypeError(`${name} must be a string`);
  return value;
}

/**
 * Throws `SignError('ERR_INPUT')` when `value` holds a lone surrogate: it has no UTF-8 form, so the
 * bytes that would be signed (U+FFFD, or a `URIError` in the SDK) are not what the caller wrote.
 *
 * @example
 * ```ts
 * requireCosWellFormed('/photos/\uD83D.jpg', 'pathname'); // throws SignError ERR_INPUT
 * ```
 */
export function requireCosWellFormed(value: string, name: string): void {
  if (!value.isWellFormed()) {
    throw new SignError('ERR_INPUT', `${name} contains a lone UTF-16 surrogate, which has no UTF-8 form`);
  }
}

/**
 * Checks a SecretId/SecretKey pair. Whitespace or control characters would break the `Authorization`
 * header (the SDK's `checkAuthError` rejects spaces), and `&` in the SecretId would split the
 * `q-ak=` field and the v4 `k=` field. Messages name the field, never its value.
 *
 * @example
 * ```ts
 * const { secretId, secretKey } = requireCosCredentials(fields.secretId, fields.secretKey);
 * ```
 */
let lastValid: { readonly secretId: string; readonly secretKey: string } | undefined;

export function requireCosCredentials(
  secretId: unknown,
  secretKey: unknown,
): { readonly secretId: string; readonly secretKey: string } {
  const id = requireCosString(secretId, 'secretId');
  const key = requireCosString(secretKey, 'secretKey');
  // A container signs with one key pair: the last pair that passed is not checked again.
  if (lastValid !== undefined && id === lastValid.secretId && key === lastValid.secretKey) return lastValid;
  for (const [name, value] of [
    ['secretId', id],
    ['secretKey', key],
  ] as const) {
    if (value.length === 0) throw new SignError('ERR_INPUT', `${name} must not be empty`);
    if (WHITESPACE_OR_CONTROL.test(value)) {
      throw new SignError('ERR_INPUT', `${name} must not contain whitespace or control characters`);
    }
    requireCosWellFormed(value, name);
  }
  if (id.includes('&')) throw new SignError('ERR_INPUT', 'secretId must not contain "&"');
  const valid = { secretId: id, secretKey: key };
  lastValid = valid;
  return valid;
}

/**
 * Returns `value` when it is a whole, non-negative, safe number of seconds; a non-number is a
 * `TypeError`, any other number `SignError('ERR_INPUT')`.
 *
 * @example
 * ```ts
 * const now = requireCosUnixSeconds(fields.now, 'now');
 * ```
 */
export function requireCosUnixSeconds(value: unknown, name: string): number {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number of Unix seconds`);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new SignError('ERR_INPUT', `${name} must be a whole, non-negative number of seconds`);
  }
  return value;
}
