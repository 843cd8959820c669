import { join, resolve } from 'node:path';
import { runProcess } from './runSubprocess';

/** The repository root. */
export const REPO_ROOT = resolve(import.meta.dirname, '../../..');

/**
 * Builds the tool's bundle from the current sources into `dir` with the same script as
 * `npm run build:cli`, and returns its path.
 *
 * @example
 * ```ts
 * const bundle = await buildCliBundle(mkdtempSync(join(tmpdir(), 'cli-')));
 * ```
 */
export async function buildCliBundle(dir: string): Promise<string> {
  const bundle = join(dir, 'cli.mjs');
  const build = await runProcess(process.execPath, [
    join(REPO_ROOT, 'scripts/buildCli.mjs'),
    '--outfile',
    bundle,
  ]);
  if (build.code !== 0) throw new Error(`build:cli failed: ${build.stderr}`);
  return bundle;
}
