/**
 * Why the room hook gave no usable answer. A closed set, for logs and tests:
 *
 * - `TIMEOUT`: no answer within ROOM_HOOK_TIMEOUT_MS;
 * - `INVOKE_FAILED`: the Lambda service refused or failed the call (no permission, no such function,
 *   throttled, a network error), or answered with a status other than 200;
 * - `FUNCTION_ERROR`: the hook ran and threw (the invocation's `FunctionError`);
 * - `MALFORMED_ANSWER`: the hook answered something other than `{ allow: false }` or
 *   `{ allow: true, privileges: [...] }`.
 *
 * @example
 * ```ts
 * const reason: RoomHookErrorReason = 'TIMEOUT';
 * ```
 */
export type RoomHookErrorReason = 'TIMEOUT' | 'INVOKE_FAILED' | 'FUNCTION_ERROR' | 'MALFORMED_ANSWER';

/**
 * The one error family of `lib/roomHook`: the hook could not decide, so nothing is granted. The HTTP
 * layer answers 503 `ROOM_HOOK_UNAVAILABLE` with `Retry-After`; never an allow. The message names the
 * reason and, for an invocation error, the AWS error name; it never holds the hook's payload.
 *
 * @example
 * ```ts
 * throw new RoomHookError('TIMEOUT', 'the room hook did not answer within 1000 ms', { retryAfterSeconds: 2 });
 * ```
 */
export class RoomHookError extends Error {
  override readonly name = 'RoomHookError';
  readonly code = 'ROOM_HOOK_UNAVAILABLE';
  readonly reason: RoomHookErrorReason;
  readonly retryAfterSeconds: number;

  constructor(
    reason: RoomHookErrorReason,
    message: string,
    options: { retryAfterSeconds: number; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
