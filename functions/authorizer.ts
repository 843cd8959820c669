import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { config, logger } from '../lib/runtime/coldStart';
import {
  authorizerContext,
  createSessionVerifier,
  readAuthorizationHeader,
  type SessionAuthorizerContext,
  SessionError,
} from '../lib/session';

// HTTP API Lambda REQUEST authorizer (simple responses, no identity source, no result caching).
// It authenticates but never denies: `isAuthorized: false` would become the gateway's own
// 403 {"message":"Forbidden"}, while every authentication failure must be our 401 JSON error. So a
// failure is reported in the context, and `requirePrincipal` in the function enforces it.

// Cold start: a bad configuration fails the init, loudly; the verifier (and its JWKS cache) is shared
// by every request this container serves.
const verifier = createSessionVerifier(config.session);

/**
 * Verifies the session token of one request. Always `isAuthorized: true`; the context is
 * `{ userId, role? }` or `{ authFailure: <SessionErrorReason> }`.
 *
 * @example
 * ```ts
 * await handler(event); // { isAuthorized: true, context: { userId: 'alice' } }
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
      log.error('session rejected', { reason: error.reason, cause: error.cause });
    } else {
      log.warn('session rejected', { reason: error.reason, ...(error.claim ? { claim: error.claim } : {}) });
    }
    return { isAuthorized: true, context: authorizerContext(error) };
  }
}
