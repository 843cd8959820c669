/**
 * Why a rotation step (or the key health check) failed. Secrets Manager retries a step that throws, so
 * every code names a state an operator can read and fix:
 *
 * - `INVALID_EVENT`: the invocation is not a rotation step (or a scheduled task) of this function.
 * - `SECRET_NOT_ALLOWED`: the event names a secret other than the one this function rotates.
 * - `ROTATION_NOT_ENABLED`, `VERSION_UNKNOWN`, `VERSION_NOT_PENDING`: the secret's versions are not in the
 *   state the step needs (no rotation configured, an unknown token, a token that is not AWSPENDING).
 * - `SECRET_INVALID`: a version of the secret (current, pending or staged) does not match its schema.
 * - `CURRENT_KEY_UNKNOWN`: the AWSCURRENT COS key is not a key of the target CAM user.
 * - `PREVIOUS_KEY_IN_GRACE`: a new rotation would have to delete the previous key while credentials
 *   signed with it may still be in use.
 * - `UNEXPECTED_KEY`: the CAM user holds a key this service did not make and does not use.
 * - `PENDING_KEY_MISSING`: the AWSPENDING key is no longer in CAM.
 * - `KEY_TEST_FAILED`: the pending key did not authenticate (or not as the right user / app).
 * - `NOTHING_STAGED`, `STAGED_APP_MISMATCH`, `STAGED_KEY_UNCHANGED`: the staged TRTC key is missing,
 *   for another SDKAppID, or the key already in use.
 * - `TENCENT_API_ERROR`: a Tencent Cloud API call failed (its code and request id are kept).
 *
 * @example
 * ```ts
 * if (error instanceof RotationError && error.code === 'NOTHING_STAGED') console.log(error.message);
 * ```
 */
export type RotationErrorCode =
  | 'INVALID_EVENT'
  | 'SECRET_NOT_ALLOWED'
  | 'ROTATION_NOT_ENABLED'
  | 'VERSION_UNKNOWN'
  | 'VERSION_NOT_PENDING'
  | 'SECRET_INVALID'
  | 'CURRENT_KEY_UNKNOWN'
  | 'PREVIOUS_KEY_IN_GRACE'
  | 'UNEXPECTED_KEY'
  | 'PENDING_KEY_MISSING'
  | 'KEY_TEST_FAILED'
  | 'NOTHING_STAGED'
  | 'STAGED_APP_MISMATCH'
  | 'STAGED_KEY_UNCHANGED'
  | 'TENCENT_API_ERROR';

/**
 * The one error family of `lib/rotation`. Messages name secrets, versions, key fingerprints and Tencent
 * codes, never a key's secret or a ticket, so they are safe to log (Lambda logs a rotation failure).
 *
 * @example
 * ```ts
 * throw new RotationError('NOTHING_STAGED', 'no version of the TRTC secret carries the STAGED label');
 * ```
 */
export class RotationError extends Error {
  override readonly name = 'RotationError';
  readonly code: RotationErrorCode;
  /** For `TENCENT_API_ERROR`: Tencent's error code (e.g. `AuthFailure.SecretIdNotFound`), if it answered. */
  readonly tencentCode: string | undefined;

  constructor(
    code: RotationErrorCode,
    message: string,
    options: { cause?: unknown; tencentCode?: string | undefined } = {},
  ) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.code = code;
    this.tencentCode = options.tencentCode;
  }
}

/** A short, log-safe fingerprint of an API key id (its last 6 characters). */
export function keyFingerprint(accessKeyId: string): string {
  return `…${accessKeyId.slice(-6)}`;
}
