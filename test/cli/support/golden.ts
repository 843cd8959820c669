import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';

// Golden files: the exact human-readable output of a command, committed under test/cli/golden/. A
// run compares byte for byte. After a deliberate change of the output, rewrite them with
//   UPDATE_GOLDEN=1 npx vitest run test/cli/golden.test.ts
// and review the diff like any other change.

const GOLDEN_DIR = new URL('../golden/', import.meta.url);

/**
 * Compares `actual` with the golden file `name` exactly (or writes it when UPDATE_GOLDEN=1).
 *
 * @example
 * ```ts
 * expectGolden('explain-70009.txt', (await runInProcess(['explain', '70009'])).stdout);
 * ```
 */
export function expectGolden(name: string, actual: string): void {
  const file = new URL(name, GOLDEN_DIR);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
  if (!existsSync(file)) throw new Error(`no golden file ${name} (create it with UPDATE_GOLDEN=1)`);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

/** The golden file's text, for subprocess runs that must print the same. */
export function golden(name: string): string {
  return readFileSync(new URL(name, GOLDEN_DIR), 'utf8');
}
