import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { StsError } from '../cos/StsError';
import type { Logger } from '../log/logger';
import { PolicyError, type PolicyErrorCode } from '../policy/PolicyError';
import { RoomHookError } from '../roomHook/RoomHookError';
import { SecretsError, SecretsUnavailableError } from '../secrets/errors';
import { SessionError } from '../session/SessionError';
import { SignError } from '../sign/SignError';
import { HttpError } from './HttpError';

// The one place where errors become HTTP. Every layer throws its own error family with a stable code;
// this table decides the status. Messages of 4xx errors are written for clients; anything unexpected
// becomes a generic 500 whose details go to the log with the request id, never to the response.

/** Every `error.code` a client can receive. */
export type ErrorResponseCode =
  | 'INVALID_JSON'
  | 'INVALID_REQUEST'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNAUTHENTICATED'
  | 'USER_ID_UNMAPPABLE'
  | 'SESSION_KEYS_UNAVAILABLE'
  | 'SECRETS_UNAVAILABLE'
  | 'STS_NOT_CONFIGURED'
  | 'STS_UNAVAILABLE'
  | 'ROOM_HOOK_UNAVAILABLE'
  | 'INTERNAL_ERROR'
  | PolicyErrorCode;

const POLICY_STATUS: Record<PolicyErrorCode, 400 | 403> = {
  CONTENT_LENGTH_REQUIRED: 400,
  CONTENT_TYPE_REQUIRED: 400,
  EXPIRE_TOO_LONG: 400,
  INVALID_EXPIRE: 400,
  INVALID_ROOM: 400,
  UNKNOWN_PRIVILEGE: 400,
  INVALID_KEY: 400,
  USER_MISMATCH: 403,
  ROLE_UNKNOWN: 403,
  PRIVILEGES_EXCEEDED: 403,
  KEY_OUTSIDE_PREFIX: 403,
  METHOD_NOT_ALLOWED: 403,
  SCOPE_TOO_WIDE: 403,
  OPERATION_NOT_ALLOWED: 403,
  HEADER_NOT_ALLOWED: 403,
  QUERY_NOT_ALLOWED: 403,
  UPLOAD_TOO_LARGE: 403,
  CONTENT_TYPE_NOT_ALLOWED: 403,
  V4_ONCE_DISABLED: 403,
  ENTER_ROOM_REQUIRED: 400,
  ROOM_FORBIDDEN: 403,
};

interface Mapped {
  readonly status: number;
  readonly code: ErrorResponseCode;
  readonly message: string;
  readonly headers?: Record<string, string>;
}

function classify(error: unknown, log: Logger): Mapped {
  if (error instanceof HttpError) return { status: error.status, code: error.code, message: error.message };
  if (error instanceof PolicyError)
    return { status: POLICY_STATUS[error.code], code: error.code, message: error.message };
  if (error instanceof SessionError) {
    log.info('session rejected', { reason: error.reason });
    if (error.code === 'SESSION_KEYS_UNAVAILABLE') {
      return { status: 503, code: error.code, message: error.message, headers: { 'Retry-After': '5' } };
    }
    // Signed in, but not as anyone Tencent can know: signing in again would not help (no 401 loop).
    if (error.code === 'USER_ID_UNMAPPABLE') return { status: 403, code: error.code, message: error.message };
    return {
      status: 401,
      code: 'UNAUTHENTICATED',
      message: error.message,
      headers: { 'WWW-Authenticate': 'Bearer' },
    };
  }
  if (error instanceof SecretsError) {
    // The cause names the failing store call or the bad secret field; it is for operators only.
    log.error('signing secret unavailable', { code: error.code, detail: error.message, cause: error.cause });
    const retryAfter = error instanceof SecretsUnavailableError ? error.retryAfterSeconds : 5;
    return {
      status: 503,
      code: 'SECRETS_UNAVAILABLE',
      message: 'the signing service is temporarily unavailable, retry later',
      headers: { 'Retry-After': String(retryAfter) },
    };
  }
  if (error instanceof StsError) {
    if (error.code === 'STS_NOT_CONFIGURED') return { status: 501, code: error.code, message: error.message };
    // The STS error code and request id are for operators; the cause never holds a key or a token.
    log.error('temporary credentials unavailable', {
      detail: error.message,
      stsCode: error.stsCode,
      stsRequestId: error.requestId,
      cause: error.cause,
    });
    return {
      status: 503,
      code: 'STS_UNAVAILABLE',
      message: 'temporary credentials are unavailable, retry later',
      headers: { 'Retry-After': String(error.retryAfterSeconds) },
    };
  }
  if (error instanceof RoomHookError) {
    // Never an allow: the app's hook could not decide. The cause is an AWS SDK error (its name is enough).
    log.error('room hook unavailable', { reason: error.reason, detail: error.message });
    return {
      status: 503,
      code: error.code,
      message: 'the room policy is temporarily unavailable, retry later',
      headers: { 'Retry-After': String(error.retryAfterSeconds) },
    };
  }
  if (error instanceof SignError && error.code === 'ERR_INPUT') {
    return { status: 400, code: 'INVALID_REQUEST', message: error.message };
  }
  log.error('unexpected error', {
    error:
      error instanceof Error
        ? { name: error.name, message: error.message, stack: error.stack }
        : String(error),
  });
  return { status: 500, code: 'INTERNAL_ERROR', message: 'internal error' };
}

/**
 * Turns any thrown value into the one error response shape `{ error: { code, message } }`.
 *
 * @example
 * ```ts
 * request.response = toErrorResponse(request.error, log);
 * ```
 */
export function toErrorResponse(error: unknown, log: Logger): APIGatewayProxyStructuredResultV2 {
  const mapped = classify(error, log);
  return {
    statusCode: mapped.status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...mapped.headers },
    body: JSON.stringify({ error: { code: mapped.code, message: mapped.message } }),
  };
}
