/**
 * Exit statuses of the command-line tool, the same for every command:
 * 0 success (a valid ticket, a working key, a signature that recomputes); 1 the thing checked is bad
 * (an invalid ticket, a key Tencent refuses, a signature that does not recompute, an error answer of
 * the service); 2 bad input (options, files, keys, values); 3 a service could not be reached or
 * answered something unreadable (Secrets Manager, the IM REST API, the token service); 70 a bug.
 */
export const EXIT = Object.freeze({ OK: 0, FAILED: 1, BAD_INPUT: 2, UNAVAILABLE: 3, INTERNAL: 70 });

/**
 * Why a command stopped: `USAGE` (options and arguments; the message is followed by a pointer to
 * `--help`), `BAD_INPUT` (a file, a key or a value that cannot be used), `UNAVAILABLE` (a remote
 * service failed).
 */
export type CliErrorCode = 'USAGE' | 'BAD_INPUT' | 'UNAVAILABLE';

/**
 * The one error family of the tool. Messages are for people and never carry a secret: they name an
 * option, a file or a secret id, never a key, a PEM or a token.
 *
 * @example
 * ```ts
 * throw new CliError('BAD_INPUT', 'key file "trtc.json" does not exist');
 * ```
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly code: CliErrorCode;

  constructor(code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** The exit status of this error. */
  get exitCode(): number {
    return this.code === 'UNAVAILABLE' ? EXIT.UNAVAILABLE : EXIT.BAD_INPUT;
  }
}
