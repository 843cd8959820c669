import { TENCENT_USER_ID } from '../session/Principal';
import { PolicyError } from './PolicyError';

/**
 * Inputs of {@link scopeCosKey}.
 *
 * @example
 * ```ts
 * const input: ScopeCosKeyInput = { userId: principal.userId, key: 'users/alice/a.txt', keyPrefix: 'users/{userId}/' };
 * ```
 */
export interface ScopeCosKeyInput {
  /** The principal's user id; substituted for every `{userId}` in `keyPrefix`. */
  readonly userId: string;
  /** The object key from the request, as the client will send it (not URL-encoded, no leading `/`). */
  readonly key: string;
  /** The configured prefix, such as `users/{userId}/`: contains `{userId}`, ends with `/`. */
  readonly keyPrefix: string;
}

/** COS's limit on an object key, in UTF-8 bytes. */
const MAX_KEY_BYTES = 850;
const CONTROL = /\p{Cc}/u;

/**
 * Confines a COS object key to the caller's own prefix and returns the pathname to sign (`'/' + key`).
 *
 * COS signs the raw path and does not resolve `.`/`..`, but proxies, SDKs and browsers do; so keys
 * that could mean something else after such processing are refused instead of "cleaned": no empty key,
 * no leading `/`, no `//`, no `.` or `..` segment, no `\`, no control character, no `%` (a client-side
 * escape would be ambiguous: COS signs the raw path), no unpaired surrogate, only NFC text (so two
 * spellings of the same visible name cannot address two objects), at most 850 bytes. Then the key must
 * start with the caller's prefix and name something below it.
 *
 * @throws {TypeError} when an argument has the wrong type, `userId` is not a Tencent user id or
 * `keyPrefix` is not a `{userId}` prefix ending with `/` (configuration or upstream bugs).
 * @throws {PolicyError} `INVALID_KEY` (400) for a malformed key; `KEY_OUTSIDE_PREFIX` (403) for a key
 * outside the caller's prefix, or equal to it.
 *
 * @example
 * ```ts
 * scopeCosKey({ userId: 'alice', key: 'users/alice/a.txt', keyPrefix: 'users/{userId}/' }); // '/users/alice/a.txt'
 * scopeCosKey({ userId: 'alice', key: 'users/bob/a.txt', keyPrefix: 'users/{userId}/' }); // throws KEY_OUTSIDE_PREFIX
 * ```
 */
export function scopeCosKey(input: ScopeCosKeyInput): string {
  const { key } = input;
  const prefix = userKeyPrefix(input.keyPrefix, input.userId);
  if (typeof key !== 'string') throw new TypeError('key must be a string');

  checkKeyShape(key);
  if (!key.startsWith(prefix) || key.length === prefix.length) {
    throw new PolicyError('KEY_OUTSIDE_PREFIX', `key must name an object below ${input.keyPrefix}`);
  }
  return `/${key}`;
}

/**
 * The key prefix of one user: the configured prefix with `{userId}` replaced.
 *
 * @throws {TypeError} when `userId` is not a Tencent user id or `keyPrefix` is not a `{userId}` prefix
 * ending with `/` (configuration or upstream bugs).
 *
 * @example
 * ```ts
 * userKeyPrefix('users/{userId}/', 'alice'); // 'users/alice/'
 * ```
 */
export function userKeyPrefix(keyPrefix: string, userId: string): string {
  // The id goes into a path: a "/" or ".." in it would widen the prefix. The session layer rules those
  // out; this is the line of defence that does not depend on it.
  if (typeof userId !== 'string' || !TENCENT_USER_ID.test(userId)) {
    throw new TypeError('userId must be a Tencent user id (1..32 of [A-Za-z0-9_-])');
  }
  if (
    typeof keyPrefix !== 'string' ||
    !keyPrefix.includes('{userId}') ||
    !keyPrefix.endsWith('/') ||
    keyPrefix.startsWith('/')
  ) {
    throw new TypeError('keyPrefix must contain {userId}, end with "/" and not start with "/"');
  }
  return keyPrefix.replaceAll('{userId}', userId);
}

function checkKeyShape(key: string): void {
  const invalid = (why: string) => new PolicyError('INVALID_KEY', `key ${why}`);
  if (key.length === 0) throw invalid('must not be empty');
  // Before measuring or normalising: a lone surrogate has no UTF-8 form.
  if (!key.isWellFormed()) throw invalid('must not contain unpaired UTF-16 surrogates');
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) throw invalid(`must be at most ${MAX_KEY_BYTES} bytes`);
  if (key.startsWith('/')) throw invalid('must not start with "/"');
  if (CONTROL.test(key)) throw invalid('must not contain control characters');
  // Some clients and servers treat "\" as a path separator, which would reopen "..\".
  if (key.includes('\\')) throw invalid('must not contain "\\"');
  if (key.includes('%')) throw invalid('must not contain "%" (send the raw key, it is not URL-decoded)');
  if (key.includes('//')) throw invalid('must not contain "//"');
  if (key.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw invalid('must not contain "." or ".." segments');
  }
  if (key !== key.normalize('NFC')) throw invalid('must be in Unicode normalisation form C (NFC)');
}
