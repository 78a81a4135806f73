import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Test kinds, told by the file name (CONTRIBUTING.md has the rule and the timings):
 * - `*.test.ts`: unit. Quick and in process: fakes, the testkit's servers (AWS, GitHub, the registry: each
 *   starts in about 0.1 s), quick local tools (git, actionlint). No builder, no built artefact, no browser,
 *   no waiting on the real clock. `pnpm test:unit` runs these, every package in one vitest run.
 * - `*.integration.test.ts`: real builds (buildah, podman, docker), the sandbox of every peer together,
 *   real-clock waits, child processes of our own code.
 * - `*.e2e.test.ts`: the built artefacts as a user or runner runs them: the CLI bin, the Action bundle, the site.
 * `pnpm test` runs every kind.
 */
export const UNIT_FILES = ['src/**/*.test.ts', 'test/**/*.test.ts'];
/** Timeouts of every kind (a test, a hook). */
export const TIMEOUTS = { testTimeout: 30_000, hookTimeout: 60_000 };

export const SLOW_FILES = ['**/*.integration.test.ts', '**/*.e2e.test.ts'];

/**
 * Integration tests in packages/core/src whose file names do not say so yet (renaming them waits for the
 * folder moves in core to settle): `pnpm test:unit` leaves them out, `pnpm test` runs them.
 */
export const UNRENAMED_INTEGRATION: Readonly<Record<string, readonly string[]>> = {
  core: [
    'src/builders/buildah.test.ts',
    'src/builders/buildah-cache.test.ts',
    'src/github/workflows.test.ts',
  ],
};

/**
 * How many test files of a package run at once in `pnpm test`. Most integration and e2e files wait (on child
 * processes of the built bin, peers, the real clock: leases, polls, deadlines), so several run beside each
 * other even on 2 cores; the five packages' runs overlap too (turbo). Tests use OS-chosen ports and private
 * temp dirs, so files share nothing. A fixed number, not one from the load average: in `pnpm test` the load is
 * the run's own (a 1-minute average that lags), and the old load-based count ran the CLI's files one at a
 * time on CI. TEST_WORKERS overrides (for example 1 to bisect a flaky file).
 */
const WORKERS: Readonly<Record<string, number>> = {
  // The built bin's e2e files: mostly waiting on its polls and on the peers.
  cli: 4,
  // Real builds (buildah, docker, podman) and the unit files.
  core: 3,
  // The bundle on Node 24 against the peers.
  action: 2,
  testkit: 2,
};

function testWorkers(name: string, env = process.env): number {
  const set = Number.parseInt(env.TEST_WORKERS ?? '', 10);
  return set > 0 ? set : (WORKERS[name] ?? 2);
}

/**
 * Files that wait longest on the real clock, longest first: each package's run starts them first, so that
 * their waits overlap its other files instead of ending the run alone. Without a cache (CI's clean clone)
 * vitest would start the largest files first. Paths from the package's folder.
 */
const LONG_WAITS = [
  'test/reliability.e2e.test.ts', // the real 60 s lease after kill -9, a 45 s request deadline
  'test/transcripts.e2e.test.ts', // the docs' story, in order, each run watched by the CLI's 1 s polls
  'test/operations.integration.test.ts', // the CLI's 1 s GitHub polls and 2 s lock polls
  'test/docs-examples.e2e.test.ts',
  'test/site.e2e.test.ts', // Chromium over every page
  'test/bundle.e2e.test.ts',
  'src/builders/buildah-cache.test.ts',
];

/** Vitest's order (failed first, then the longest last time, else the largest), with LONG_WAITS first. */
class LongWaitsFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const index = LONG_WAITS.findIndex((end) => file.moduleId.endsWith(`/${end}`));
      return index < 0 ? LONG_WAITS.length : index;
    };
    const sorted = await super.sort(files);
    return sorted
      .map((file, order) => ({ file, order }))
      .sort((a, b) => rank(a.file) - rank(b.file) || a.order - b.order)
      .map(({ file }) => file);
  }
}

/**
 * The vitest settings of a package's `pnpm test` run (`name` is the package's folder name): every kind of
 * test, workspace packages resolved to their TypeScript sources, a JSON report for CI's summary.
 */
export function packageConfig(name: string) {
  return defineConfig({
    resolve: { conditions: ['source'] },
    ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
    test: {
      include: UNIT_FILES,
      ...TIMEOUTS,
      maxWorkers: testWorkers(name),
      sequence: { sequencer: LongWaitsFirst },
      reporters: ['default', 'json'],
      outputFile: { json: 'test-results/vitest.json' },
    },
  });
}
