import type { Principal } from './Principal';
import { SessionError, type SessionErrorReason } from './SessionError';

/**
 * What the gateway authorizer hands to the function in `requestContext.authorizer.lambda`. The
 * authorizer always answers `isAuthorized: true` (so that failures reach our own 401 body instead of
 * the gateway's 403); this context says whether the caller was authenticated:
 * `{ userId, role? }` on success, `{ authFailure }` otherwise. Never both.
 *
 * @example
 * ```ts
 * const ok: SessionAuthorizerContext = { userId: 'alice', role: 'anchor', sessionExpiresAt: 1_700_000_600 };
 * const rejected: SessionAuthorizerContext = { authFailure: 'TOKEN_EXPIRED' };
 * ```
 */
export type SessionAuthorizerContext =
  | {
      readonly userId: string;
      readonly role?: string;
      readonly sessionExpiresAt: number;
      /** The selected session claims (lib/session/selectContextClaims.ts) as one JSON text. */
      readonly claims?: string;
    }
  | { readonly authFailure: SessionErrorReason };

/**
 * Builds the authorizer context for a verification outcome. `role` is omitted, not `null`, when the
 * token has none, so the context holds strings and one number only; the selected claims (any JSON)
 * travel as one JSON text in `claims`, which every gateway and emulator passes on unchanged (REST APIs
 * stringify context values; HTTP APIs would keep objects, but one encoding is checked in one place).
 *
 * @example
 * ```ts
 * authorizerContext({ userId: 'alice', sessionExpiresAt: 1_700_000_600 }); // { userId: 'alice', sessionExpiresAt: 1700000600 }
 * authorizerContext(new SessionError('TOKEN_MISSING')); // { authFailure: 'TOKEN_MISSING' }
 * ```
 */
export function authorizerContext(outcome: Principal | SessionError): SessionAuthorizerContext {
  if (outcome instanceof SessionError) return { authFailure: outcome.reason };
  const { userId, role, sessionExpiresAt, claims } = outcome;
  if (sessionExpiresAt === undefined)
    throw new TypeError('authorizerContext: the principal has no sessionExpiresAt');
  return {
    userId,
    ...(role === undefined ? {} : { role }),
    sessionExpiresAt,
    ...(claims === undefined ? {} : { claims: JSON.stringify(claims) }),
  };
}
