import { isSessionRole } from './isSessionRole';
import { type Principal, TENCENT_USER_ID } from './Principal';
import { isSessionErrorReason, SessionError } from './SessionError';

/**
 * The part of an HTTP API (payload 2.0) event this module reads. Deliberately structural and loose:
 * the values come from another process, so they are checked here, not trusted by type.
 *
 * @example
 * ```ts
 * const event: AuthorizedEvent = { requestContext: { authorizer: { lambda: { userId: 'alice' } } } };
 * ```
 */
export interface AuthorizedEvent {
  readonly requestContext?: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The raw Lambda authorizer context of an event (`requestContext.authorizer.lambda`), or `undefined`
 * when the request did not pass through a Lambda authorizer.
 *
 * @example
 * ```ts
 * if (lambdaAuthorizerContext(event) === undefined) {
 *   // no gateway authorizer: verify in-process
 * }
 * ```
 */
export function lambdaAuthorizerContext(event: AuthorizedEvent): Record<string, unknown> | undefined {
  const requestContext = event.requestContext;
  if (!isRecord(requestContext) || !isRecord(requestContext.authorizer)) return undefined;
  const lambda = requestContext.authorizer.lambda;
  return isRecord(lambda) ? lambda : undefined;
}

/**
 * Turns the gateway authorizer's verdict into a {@link Principal}, or throws {@link SessionError}:
 * with the authorizer's `authFailure` reason, or `NO_AUTHORIZER_CONTEXT` when there is no usable
 * context. The user id is re-checked against Tencent's rule (defence in depth: a misconfigured
 * authorizer must not be able to mint tickets for ids Tencent would interpret differently).
 *
 * @example
 * ```ts
 * const principal = principalFromAuthorizerContext(event); // { userId: 'alice', role: 'anchor', sessionExpiresAt: 1700000600 }
 * ```
 */
export function principalFromAuthorizerContext(event: AuthorizedEvent): Principal {
  const context = lambdaAuthorizerContext(event);
  if (context === undefined) throw new SessionError('NO_AUTHORIZER_CONTEXT');
  // A failure wins over everything else in the context: fail closed.
  if (context.authFailure !== undefined) {
    throw new SessionError(isSessionErrorReason(context.authFailure) ? context.authFailure : 'TOKEN_INVALID');
  }
  const { userId, role } = context;
  if (userId === undefined) throw new SessionError('NO_AUTHORIZER_CONTEXT');
  if (typeof userId !== 'string' || !TENCENT_USER_ID.test(userId)) throw new SessionError('USER_ID_INVALID');
  // Fail closed: a context without the session's expiry could be served from the gateway cache forever.
  // A number as the authorizer wrote it; a decimal string if a gateway stringifies context values.
  const raw = context.sessionExpiresAt;
  const sessionExpiresAt =
    typeof raw === 'number'
      ? raw
      : typeof raw === 'string' && /^\d{1,15}$/.test(raw)
        ? Number(raw)
        : Number.NaN;
  if (!Number.isSafeInteger(sessionExpiresAt)) throw new SessionError('TOKEN_INVALID');
  const claims = contextClaims(context.claims);
  if (role === undefined) return { userId, sessionExpiresAt, ...claims };
  if (!isSessionRole(role)) throw new SessionError('CLAIM_INVALID', { claim: 'role' });
  return { userId, role, sessionExpiresAt, ...claims };
}

/** The selected claims the authorizer passed as JSON text: a JSON object, or the context is refused. */
function contextClaims(text: unknown): Pick<Principal, 'claims'> {
  if (text === undefined) return {};
  let claims: unknown;
  try {
    claims = typeof text === 'string' ? JSON.parse(text) : undefined;
  } catch {
    claims = undefined;
  }
  if (!isRecord(claims)) throw new SessionError('CLAIM_INVALID', { claim: 'claims' });
  return { claims: Object.freeze(claims) };
}
