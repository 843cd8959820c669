import { spawn } from 'node:child_process';

// Runs the tool as a real process: node on a built bundle (or any other command line), a clean
// environment (only PATH and what the test passes: nothing of the developer's AWS, TRTC or session
// settings), standard input from the test.

/** What a run printed, and its exit status. */
export interface ProcessRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Spawns `command args` and collects its output.
 *
 * @example
 * ```ts
 * const run = await runProcess(process.execPath, [bundle, 'explain', '70009']);
 * ```
 */
export function runProcess(
  command: string,
  args: readonly string[],
  options: { env?: Readonly<Record<string, string>>; input?: string; cwd?: string } = {},
): Promise<ProcessRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
