/** Errors about the HTTP request itself, before any policy applies. */
export type HttpErrorCode =
  | 'INVALID_JSON'
  | 'INVALID_REQUEST'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE';

const STATUS: Record<HttpErrorCode, number> = {
  INVALID_JSON: 400,
  INVALID_REQUEST: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
};

/**
 * A malformed request: not JSON, too large, wrong content type, or fields that fail the schema.
 * The message is shown to the client, so it never quotes secrets (it may name fields).
 *
 * @example
 * ```ts
 * throw new HttpError('UNSUPPORTED_MEDIA_TYPE', 'send Content-Type: application/json');
 * ```
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly code: HttpErrorCode;
  readonly status: number;

  constructor(code: HttpErrorCode, message: string) {
    super(message);
    this.code = code;
    this.status = STATUS[code];
  }
}
