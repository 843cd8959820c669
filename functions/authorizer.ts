import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { config, logger } from '../lib/runtime/coldStart';
import {
  authorizerContext,
  readAuthorizationHeader,
  type SessionAuthorizerContext,
  SessionError,
} from '../lib/session';
import { createConfiguredSessionVerifier } from '../lib/session/createConfiguredSessionVerifier';

// HTTP API Lambda REQUEST authorizer (simple responses, identity source the Authorization header, result
// cached per header value; see README, "Authorizer"). It authenticates but never denies a token:
// `isAuthorized: false` would become the gateway's own 403 {"message":"Forbidden"}, while an
// authentication failure must be our 401 JSON error. So a failure is reported in the context, and
// `requirePrincipal` in the function enforces it (together with the session's expiry, which the cached
// context carries).

// Cold start: a bad configuration fails the init, loudly. INIT also fetches the verification keys (the
// JWKS, or the HS256 secret), so the first request does not pay for them; a failure is left to it.
const verifier = createConfiguredSessionVerifier(config, { log: logger });
await verifier.warm();

/**
 * Verifies the session token of one request. Always `isAuthorized: true`; the context is
 * `{ userId, role?, sessionExpiresAt }` or `{ authFailure: <SessionErrorReason> }`.
 *
 * @throws when the verification keys are unavailable: the gateway answers 500 and, unlike an answer,
 * does not cache it, so the next request tries again (a cached failure would lock the token out for the
 * whole cache TTL).
 *
 * @example
 * ```ts
 * await handler(event); // { isAuthorized: true, context: { userId: 'alice', sessionExpiresAt: 1700000600 } }
 * ```
 */
export async function handler(
  event: APIGatewayRequestAuthorizerEventV2,
): Promise<APIGatewaySimpleAuthorizerWithContextResult<SessionAuthorizerContext>> {
  const log = logger.child({ requestId: event.requestContext.requestId });
  try {
    const principal = await verifier.verify(readAuthorizationHeader(event.headers));
    log.debug('session accepted', { userId: principal.userId });
    return { isAuthorized: true, context: authorizerContext(principal) };
  } catch (error) {
    // Anything but a SessionError is a bug: rethrown, the gateway answers 500 and nothing gets through.
    if (!(error instanceof SessionError)) throw error;
    // Never the token or the header: the reason (and the failing claim's name) is enough to diagnose.
    if (error.reason === 'KEYS_UNAVAILABLE') {
      log.error('session keys unavailable', { reason: error.reason, cause: error.cause });
      throw new Error('session keys unavailable');
    }
    log.warn('session rejected', { reason: error.reason, ...(error.claim ? { claim: error.claim } : {}) });
    return { isAuthorized: true, context: authorizerContext(error) };
  }
}
