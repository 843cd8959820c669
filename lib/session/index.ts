// The session layer: who is calling. Verifies the app's session token (gateway authorizer or
// in-process) and hands every token handler a Principal, or a SessionError.

export { authorizerContext, type SessionAuthorizerContext } from './authorizerContext';
export {
  createSessionVerifier,
  type SessionVerifier,
  type SessionVerifierDeps,
} from './createSessionVerifier';
export { isSessionRole } from './isSessionRole';
export { mapUserId } from './mapUserId';
export { type Principal, TENCENT_USER_ID } from './Principal';
export {
  type AuthorizedEvent,
  lambdaAuthorizerContext,
  principalFromAuthorizerContext,
} from './principalFromAuthorizerContext';
export { readAuthorizationHeader } from './readAuthorizationHeader';
export {
  type PrincipalContext,
  principalOf,
  type RequirePrincipalOptions,
  requirePrincipal,
  type SessionEvent,
} from './requirePrincipal';
export {
  isSessionErrorReason,
  SESSION_ERROR_REASONS,
  SessionError,
  type SessionErrorCode,
  type SessionErrorReason,
} from './SessionError';
