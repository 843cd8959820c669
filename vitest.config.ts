import { configDefaults, defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// Two projects, both run by `npm test`: `unit` (everything under test/ but test/e2e) and `e2e` (the
// service through serverless-offline, one stack for the run, see test/e2e/support/globalSetup.ts). The
// e2e files run one at a time, after the unit tests, so that CPU-heavy property tests do not skew the
// timing-sensitive cache tests.

/** The e2e file that inspects everything the stack logged: it must run after every other file. */
const LAST_FILE = '/test/e2e/logScan.e2e.test.ts';

/** Vitest's default order (failed first, then slowest first), with {@link LAST_FILE} moved to the end. */
class LogScanLastSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isLast = (spec: TestSpecification) => spec.moduleId.endsWith(LAST_FILE);
    return [...sorted.filter((spec) => !isLast(spec)), ...sorted.filter(isLast)];
  }
}

export default defineConfig({
  test: {
    environment: 'node',
    testTimeout: 20_000,
    sequence: { sequencer: LogScanLastSequencer },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/e2e/**'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.e2e.test.ts'],
          globalSetup: ['test/e2e/support/globalSetup.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
