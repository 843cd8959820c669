/**
 * What the policy refuses. 400-class codes mean the request is malformed for the policy (a room id
 * outside TRTC's rules, an expiry above the cap); 403-class codes mean the caller is not allowed.
 * The mapping to HTTP lives in lib/http only.
 */
export type PolicyErrorCode =
  | 'EXPIRE_TOO_LONG'
  | 'INVALID_EXPIRE'
  | 'INVALID_ROOM'
  | 'UNKNOWN_PRIVILEGE'
  | 'INVALID_KEY'
  | 'USER_MISMATCH'
  | 'ROLE_UNKNOWN'
  | 'PRIVILEGES_EXCEEDED'
  | 'KEY_OUTSIDE_PREFIX'
  | 'METHOD_NOT_ALLOWED'
  | 'SCOPE_TOO_WIDE'
  // COS request signatures (lib/policy/checkCosRequest.ts) and legacy v4
  | 'OPERATION_NOT_ALLOWED'
  | 'HEADER_NOT_ALLOWED'
  | 'QUERY_NOT_ALLOWED'
  | 'CONTENT_LENGTH_REQUIRED'
  | 'UPLOAD_TOO_LARGE'
  | 'CONTENT_TYPE_REQUIRED'
  | 'CONTENT_TYPE_NOT_ALLOWED'
  | 'V4_ONCE_DISABLED'
  | 'ENTER_ROOM_REQUIRED'
  | 'ROOM_FORBIDDEN';

/**
 * A request that the server-side policy refuses.
 *
 * @example
 * ```ts
 * throw new PolicyError('EXPIRE_TOO_LONG', 'expire must be at most 86400 seconds');
 * ```
 */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  readonly code: PolicyErrorCode;

  constructor(code: PolicyErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
