/**
 * Everything a command may touch outside itself, injected so that tests run commands in-process with
 * a fixed clock, a captured output and loopback services, and so that `lib/` stays free of I/O.
 *
 * @example
 * ```ts
 * const output: string[] = [];
 * const context: CliContext = { ...realContext, stdout: (text) => output.push(text), now: () => 1_700_000_000_000 };
 * ```
 */
export interface CliContext {
  /** The environment (key variables, AWS settings, the service configuration for `session`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** All of standard input, as UTF-8. */
  readonly readStdin: () => Promise<string>;
  /** A file as UTF-8; rejects with the fs error (which names the path, never the content). */
  readonly readFile: (path: string) => Promise<string>;
  /** The clock, in ms. */
  readonly now: () => number;
  readonly fetch: typeof fetch;
  /** The `SecretString` of a secret in AWS Secrets Manager (the real SDK client); throws `CliError`. */
  readonly readSecret: (secretId: string, region: string | undefined) => Promise<string>;
  /** A random 32-bit unsigned integer (the nonce of IM REST calls). */
  readonly randomUint32: () => number;
}
