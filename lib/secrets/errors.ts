/**
 * The closed set of reasons the secrets layer can fail.
 *
 * - `SECRET_INVALID`: the secret was read but its content is not usable (not JSON, a field missing or out
 *   of range, a binary secret). Retrying cannot fix it; an operator has to correct the secret.
 * - `SECRETS_UNAVAILABLE`: no usable secret could be obtained for this request (the store failed, timed
 *   out, denied access, or the secret is invalid). The HTTP layer answers 503 with `Retry-After`.
 *
 * @example
 * ```ts
 * function statusOf(code: SecretsErrorCode): number {
 *   return code === 'SECRETS_UNAVAILABLE' ? 503 : 500;
 * }
 * ```
 */
export type SecretsErrorCode = 'SECRET_INVALID' | 'SECRETS_UNAVAILABLE';

/**
 * The one error family of `lib/secrets`. Messages name secrets and fields, never secret values, so they
 * are safe to log (still never to echo to a client: the HTTP layer shows a generic 503 message).
 *
 * @example
 * ```ts
 * if (error instanceof SecretsError) logger.error({ code: error.code, message: error.message });
 * ```
 */
export class SecretsError extends Error {
  override readonly name: string = 'SecretsError';
  readonly code: SecretsErrorCode;

  constructor(code: SecretsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * A secret whose content does not match its schema (or is not JSON, or is binary).
 *
 * `fields` lists the offending field paths (empty when the whole document is wrong), so an operator can
 * fix the secret from the log line alone. There is deliberately no `cause`: the causes available here
 * (`JSON.parse` errors, valibot issues) quote the secret's text.
 *
 * @example
 * ```ts
 * throw new SecretInvalidError('secret "trtc": field "sdkAppId" must be an integer between 1 and 4294967295', {
 *   secretName: 'trtc',
 *   fields: ['sdkAppId'],
 * });
 * ```
 */
export class SecretInvalidError extends SecretsError {
  override readonly name = 'SecretInvalidError';
  declare readonly code: 'SECRET_INVALID';
  readonly secretName: string;
  readonly fields: readonly string[];

  constructor(message: string, options: { secretName: string; fields?: readonly string[] }) {
    super('SECRET_INVALID', message);
    this.secretName = options.secretName;
    this.fields = Object.freeze([...(options.fields ?? [])]);
  }
}

/**
 * No usable secret could be loaded for this request. The HTTP layer maps it to 503 with a
 * `Retry-After: <retryAfterSeconds>` header and logs `cause` (an AWS SDK error, a timeout, or a
 * {@link SecretInvalidError}); none of those carries a secret value.
 *
 * @example
 * ```ts
 * try {
 *   secret = await trtcSecret.get();
 * } catch (error) {
 *   if (error instanceof SecretsUnavailableError) {
 *     return { statusCode: 503, headers: { 'Retry-After': String(error.retryAfterSeconds) } };
 *   }
 *   throw error;
 * }
 * ```
 */
export class SecretsUnavailableError extends SecretsError {
  override readonly name = 'SecretsUnavailableError';
  declare readonly code: 'SECRETS_UNAVAILABLE';
  readonly retryAfterSeconds: number;
  /** How many fetches this call made before giving up (1 when the failure was not retryable). */
  readonly attempts: number;

  constructor(message: string, options: { retryAfterSeconds: number; attempts: number; cause?: unknown }) {
    super('SECRETS_UNAVAILABLE', message, 'cause' in options ? { cause: options.cause } : undefined);
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.attempts = options.attempts;
  }
}
