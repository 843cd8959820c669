import { PolicyError } from './PolicyError';

/** What COS knows; letters only, so that upper-casing cannot map a look-alike onto an allowed method. */
const ASCII_LETTERS = /^[A-Za-z]{1,16}$/;

/**
 * Checks a COS request method against the configured allowlist and returns it upper-cased, the form
 * to sign and report.
 *
 * The comparison ignores ASCII case only: the method must be ASCII letters first, because
 * `toUpperCase()` maps some non-ASCII letters onto ASCII ones (`'poſt'` becomes `'POST'`).
 *
 * @throws {TypeError} when `method` is not a string.
 * @throws {PolicyError} `METHOD_NOT_ALLOWED` (403) when the method is not in `allowedMethods`.
 *
 * @example
 * ```ts
 * assertCosMethod('put', ['GET', 'HEAD', 'PUT']); // 'PUT'
 * assertCosMethod('DELETE', ['GET', 'HEAD', 'PUT']); // throws PolicyError METHOD_NOT_ALLOWED
 * ```
 */
export function assertCosMethod(method: string, allowedMethods: readonly string[]): string {
  if (typeof method !== 'string') throw new TypeError('method must be a string');
  const upper = method.toUpperCase();
  if (!ASCII_LETTERS.test(method) || !allowedMethods.some((allowed) => allowed.toUpperCase() === upper)) {
    throw new PolicyError('METHOD_NOT_ALLOWED', `method must be one of ${allowedMethods.join(', ')}`);
  }
  return upper;
}
