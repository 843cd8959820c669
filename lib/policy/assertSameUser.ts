import { type Principal, TENCENT_USER_ID } from '../session/Principal';
import { PolicyError } from './PolicyError';

/**
 * Refuses a request whose body names a user other than the caller. Tokens are always issued for
 * `principal.userId`; a body `userId` is only allowed as a consistency check by the client, so a
 * different value is reported (403) instead of being ignored: ignoring it would let a client believe
 * it obtained a token for someone else.
 *
 * Also re-checks that the principal's id follows Tencent's user id rule. The session layer guarantees
 * it; a principal that breaks it is a bug upstream (TypeError, a 500), not something to sign.
 *
 * @param requestedUserId the body's `userId` field as received; `undefined` means "not given".
 * @throws {TypeError} when the principal is not a valid Tencent user id.
 * @throws {PolicyError} `USER_MISMATCH` when `requestedUserId` is present and differs from the principal.
 *
 * @example
 * ```ts
 * assertSameUser({ userId: 'alice' }, undefined); // ok
 * assertSameUser({ userId: 'alice' }, 'alice'); // ok
 * assertSameUser({ userId: 'alice' }, 'bob'); // throws PolicyError USER_MISMATCH
 * ```
 */
export function assertSameUser(principal: Principal, requestedUserId: unknown): void {
  requireTencentUserId(principal);
  // Strict equality: Tencent ids are case-sensitive, and null or a number is a different user too.
  if (requestedUserId !== undefined && requestedUserId !== principal.userId) {
    throw new PolicyError('USER_MISMATCH', 'userId must be omitted or equal to the signed-in user');
  }
}

/**
 * Returns the principal's user id after checking Tencent's rule (1..32 bytes of `[A-Za-z0-9_-]`).
 *
 * @throws {TypeError} when the principal is missing or its id breaks the rule.
 *
 * @example
 * ```ts
 * const userId = requireTencentUserId(principal);
 * ```
 */
export function requireTencentUserId(principal: Principal): string {
  if (typeof principal !== 'object' || principal === null) throw new TypeError('principal must be an object');
  const { userId } = principal;
  if (typeof userId !== 'string' || !TENCENT_USER_ID.test(userId)) {
    throw new TypeError('principal.userId must be a Tencent user id (1..32 of [A-Za-z0-9_-])');
  }
  return userId;
}
