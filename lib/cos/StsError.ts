/**
 * Why temporary COS credentials could not be had.
 *
 * - `STS_NOT_CONFIGURED`: this deployment does not use Tencent STS (the local stage by default); only
 *   `POST /v1/cos/credentials` needs it (501).
 * - `STS_UNAVAILABLE`: STS did not answer in time, refused the call or answered something unusable
 *   (503 with `Retry-After`). Never cached: the next request asks STS again.
 *
 * @example
 * ```ts
 * function statusOf(code: StsErrorCode): number {
 *   return code === 'STS_NOT_CONFIGURED' ? 501 : 503;
 * }
 * ```
 */
export type StsErrorCode = 'STS_NOT_CONFIGURED' | 'STS_UNAVAILABLE';

/**
 * The one error family of lib/cos. Messages name what failed (an STS error code, a timeout), never a
 * key, token or policy value; they are for the log, and the HTTP layer shows clients a fixed text.
 *
 * @example
 * ```ts
 * throw new StsError('STS_UNAVAILABLE', 'STS answered AuthFailure.SignatureFailure', {
 *   retryAfterSeconds: 2,
 *   stsCode: 'AuthFailure.SignatureFailure',
 * });
 * ```
 */
export class StsError extends Error {
  override readonly name = 'StsError';
  readonly code: StsErrorCode;
  /** Sent as `Retry-After` with the 503. */
  readonly retryAfterSeconds: number;
  /** Tencent's error code (`Response.Error.Code`), when STS answered with one. */
  readonly stsCode?: string;
  /** Tencent's request id, for a support ticket. */
  readonly requestId?: string;

  constructor(
    code: StsErrorCode,
    message: string,
    options: { retryAfterSeconds?: number; stsCode?: string; requestId?: string; cause?: unknown } = {},
  ) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.code = code;
    this.retryAfterSeconds = options.retryAfterSeconds ?? 1;
    if (options.stsCode !== undefined) this.stsCode = options.stsCode;
    if (options.requestId !== undefined) this.requestId = options.requestId;
  }
}
