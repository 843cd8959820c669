/**
 * The authenticated caller of a request, as established by the session verifier (the gateway
 * authorizer or the in-process middleware). Every issued token is bound to `userId`.
 *
 * @example
 * ```ts
 * const principal: Principal = { userId: 'alice_01', role: 'anchor', sessionExpiresAt: 1_700_000_600 };
 * ```
 */
export interface Principal {
  /** A Tencent user id: 1..32 bytes of `[A-Za-z0-9_-]`, taken from the session token, never altered. */
  readonly userId: string;
  /** The room role claim of the session, when the token carries one. */
  readonly role?: string;
  /**
   * Unix seconds after which the session may no longer be used: its `exp` plus the clock tolerance.
   * Carried through the gateway's authorizer cache, so a cached authorization never outlives the session.
   */
  readonly sessionExpiresAt?: number;
  /**
   * The session claims the configuration selects for the room policy (the rooms claim, the claims the
   * hook receives), as the token carries them: raw JSON values, checked where they are used.
   */
  readonly claims?: Readonly<Record<string, unknown>>;
}

/** Tencent's user id rule (IM/TRTC): at most 32 bytes of letters, digits, underscore and hyphen. */
export const TENCENT_USER_ID = /^[A-Za-z0-9_-]{1,32}$/;
