import { join, resolve } from 'node:path';
import { runProcess } from './runSubprocess';

/** The repository root. */
export const REPO_ROOT = resolve(import.meta.dirname, '../../..');

/**
 * Builds the tool's bundle from the current sources into `dir` (cli.mjs and its chunks) with the
 * same script as `npm run build:cli`, and returns the path of cli.mjs.
 *
 * @example
 * ```ts
 * const bundle = await buildCliBundle(mkdtempSync(join(tmpdir(), 'cli-')));
 * ```
 */
export async function buildCliBundle(dir: string): Promise<string> {
  const build = await runProcess(process.execPath, [
    join(REPO_ROOT, 'scripts/buildCli.mjs'),
    '--outdir',
    dir,
  ]);
  if (build.code !== 0) throw new Error(`build:cli failed: ${build.stderr}`);
  return join(dir, 'cli.mjs');
}
