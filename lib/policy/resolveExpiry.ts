import type { ExpiryPolicy } from '../config';
import { PolicyError } from './PolicyError';

/**
 * Decides a token's lifetime in seconds: the policy's default when the request names none, otherwise
 * the requested value if it is a whole number from 1 to the policy's maximum.
 *
 * A request above the cap is refused, never clamped: a client that silently receives a shorter token
 * than it asked for would schedule its renewal too late.
 *
 * @throws {TypeError} when `requested` is neither a number nor `undefined` (the request schema has
 * already checked the type, so this is a programming error).
 * @throws {PolicyError} `INVALID_EXPIRE` for 0, negative, fractional or non-finite values;
 * `EXPIRE_TOO_LONG` for whole numbers above `policy.maxSeconds`.
 *
 * @example
 * ```ts
 * resolveExpiry(undefined, { defaultSeconds: 7200, maxSeconds: 86400 }); // 7200
 * resolveExpiry(600, { defaultSeconds: 7200, maxSeconds: 86400 }); // 600
 * resolveExpiry(86401, { defaultSeconds: 7200, maxSeconds: 86400 }); // throws EXPIRE_TOO_LONG
 * ```
 */
export function resolveExpiry(requested: number | undefined, policy: ExpiryPolicy): number {
  if (requested === undefined) return policy.defaultSeconds;
  if (typeof requested !== 'number') throw new TypeError('requested expire must be a number or undefined');
  // Integer first: 86400.5 is malformed whatever the cap, and Infinity (JSON 1e999) is not a number of seconds.
  if (!Number.isInteger(requested) || requested < 1) {
    throw new PolicyError('INVALID_EXPIRE', 'expire must be a whole number of seconds, at least 1');
  }
  if (requested > policy.maxSeconds) {
    throw new PolicyError('EXPIRE_TOO_LONG', `expire must be at most ${policy.maxSeconds} seconds`);
  }
  return requested;
}
