import { configDefaults, defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

// Four projects. `npm test` (`vitest run`, no --project) runs two, selected by `project` below: `unit`
// (everything under test/ but the service suites) and `e2e` (the service through serverless-offline, one
// stack for the run, see test/e2e/support/globalSetup.ts). The e2e files run one at a time, after the
// unit tests, so that CPU-heavy property tests do not skew the timing-sensitive cache tests.
// `faults` (npm run test:faults: Secrets Manager outages and rotation) and `fuzz` (npm run test:fuzz:
// thousands of hostile requests per route) also run against the service, each with a stack of its own,
// only when named with --project: about a minute each, and not part of the default run.

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

/**
 * The projects `vitest run` selects without `--project`. Vitest reads `test.project` as the default of
 * the `--project` flag (a flag on the command line replaces it) but does not declare it in the config
 * type, hence the spread.
 */
const DEFAULT_PROJECTS = { project: ['unit', 'e2e'] };

export default defineConfig({
  test: {
    environment: 'node',
    // npm test stays quiet: the AWS SDK warns about Node 20 on every client it creates.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 20_000,
    sequence: { sequencer: LogScanLastSequencer },
    ...DEFAULT_PROJECTS,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/e2e/**', 'test/faults/**', 'test/fuzz/**'],
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
      {
        extends: true,
        test: {
          name: 'faults',
          include: ['test/faults/**/*.faults.test.ts'],
          globalSetup: ['test/e2e/support/globalSetup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 2 },
        },
      },
      {
        extends: true,
        test: {
          name: 'fuzz',
          include: ['test/fuzz/**/*.fuzz.test.ts'],
          globalSetup: ['test/e2e/support/globalSetup.ts'],
          fileParallelism: false,
          // Generous: the default run sends 5,000 requests per route (FUZZ_RUNS).
          testTimeout: 1_800_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 3 },
        },
      },
    ],
  },
});
