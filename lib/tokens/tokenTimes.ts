/**
 * The time fields of a token response, all Unix seconds.
 *
 * @example
 * ```ts
 * const times: TokenTimes = { expiresAt: 1700007200, serverTime: 1700000000, refreshAfter: 1700005760 };
 * ```
 */
export interface TokenTimes {
  /** When the token stops working. */
  readonly expiresAt: number;
  /** The server's clock when it signed; lets clients with a wrong clock compute offsets. */
  readonly serverTime: number;
  /**
   * When to ask for a new token: after 80% of the lifetime, so that a client renews with time to
   * spare (network delays, clock skew) rather than at the moment the old token stops working.
   */
  readonly refreshAfter: number;
}

/** Share of the lifetime after which clients should renew. */
const REFRESH_AT = 0.8;

/**
 * Computes `expiresAt`, `serverTime` and `refreshAfter = serverTime + floor(lifetime * 0.8)`.
 *
 * @example
 * ```ts
 * tokenTimes(1700000000, 7200); // { expiresAt: 1700007200, serverTime: 1700000000, refreshAfter: 1700005760 }
 * ```
 */
export function tokenTimes(now: number, lifetime: number): TokenTimes {
  return {
    expiresAt: now + lifetime,
    serverTime: now,
    refreshAfter: now + Math.floor(lifetime * REFRESH_AT),
  };
}

/**
 * Checks the injected clock reading: whole, non-negative Unix seconds. Anything else is a bug in the
 * caller (TypeError, a 500), and must not reach lib/sign, which would report it as bad input (a 400).
 *
 * @example
 * ```ts
 * const now = requireNow(Math.floor(Date.now() / 1000));
 * ```
 */
export function requireNow(now: number): number {
  if (typeof now !== 'number' || !Number.isSafeInteger(now) || now < 0) {
    throw new TypeError('now must be whole, non-negative Unix seconds');
  }
  return now;
}
