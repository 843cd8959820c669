import { readFile } from 'node:fs/promises';
import type { CliContext } from '../../../cli/CliContext';
import { CliError } from '../../../cli/CliError';
import { runCli } from '../../../cli/runCli';

// Runs the tool in-process with a context made for tests: captured output, an empty environment, a
// fixed clock, no network unless a fetch is given, and no Secrets Manager unless a reader is given.

/** What one run printed, and its exit status. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A fixed clock for in-process runs: 2023-11-14T22:15:00Z, 100 s after the vectors' issue time. */
export const TEST_CLOCK_MS = 1_700_000_100_000;

/**
 * Runs `argv` with `overrides` on top of the test context.
 *
 * @example
 * ```ts
 * const { code, stdout } = await runInProcess(['explain', '70009']);
 * ```
 */
export async function runInProcess(
  argv: readonly string[],
  overrides: Partial<CliContext> = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const context: CliContext = {
    env: {},
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    readStdin: async () => '',
    readFile: (path) => readFile(path, 'utf8'),
    now: () => TEST_CLOCK_MS,
    fetch: () => Promise.reject(new TypeError('fetch failed', { cause: new Error('no network in tests') })),
    readSecret: () => Promise.reject(new CliError('BAD_INPUT', 'no Secrets Manager in this test')),
    randomUint32: () => 7,
    ...overrides,
  };
  const code = await runCli(argv, context, { version: '0.0.0-test' });
  return { code, stdout, stderr };
}
