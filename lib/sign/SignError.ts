/**
 * The closed set of reasons a signing or verification call can fail on bad data.
 *
 * - `ERR_INPUT`: an argument has the right type but a value the algorithm cannot sign unambiguously
 *   (an id outside Tencent's limits, a time that is not a whole second, an empty `strRoomId`, ...).
 * - `ERR_MALFORMED`: a ticket that is not base64, not a zlib stream, not JSON, or lacks a field.
 * - `ERR_SIGNATURE`: the ticket is well formed but its signature does not match the key.
 * - `ERR_EXPIRED`: the ticket was valid but `now` is past `TLS.time + expire (+ leeway)`.
 * - `ERR_MISMATCH`: the ticket is for another user id or another SDKAppID.
 */
export type SignErrorCode = 'ERR_INPUT' | 'ERR_MALFORMED' | 'ERR_SIGNATURE' | 'ERR_EXPIRED' | 'ERR_MISMATCH';

/**
 * The one error family of `lib/sign`. Programmer mistakes (a string where a number belongs) are
 * `TypeError`s instead, so that callers can tell "bad request data" from "bug".
 *
 * @example
 * ```ts
 * try {
 *   verifyUserSig({ sdkAppId, secretKey, userId, userSig, now });
 * } catch (error) {
 *   if (error instanceof SignError && error.code === 'ERR_EXPIRED') refreshTicket();
 *   else throw error;
 * }
 * ```
 */
export class SignError extends Error {
  override readonly name = 'SignError';
  readonly code: SignErrorCode;

  constructor(code: SignErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
