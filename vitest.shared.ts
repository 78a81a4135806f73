import { availableParallelism, loadavg } from 'node:os';
import { defineConfig } from 'vitest/config';

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
 * How many test files of a package run at once. Integration and e2e files mostly wait (on builds, peers,
 * child processes), so on an idle machine they run 3 at a time even on 2 cores (vitest's default is
 * cores - 1: 1 here). Tests use OS-chosen ports and private temp dirs, so files share nothing. On a machine
 * already busy (load above the cores), fewer: the timing tests keep their margins. TEST_WORKERS overrides.
 */
export function testWorkers(
  env = process.env,
  cores = availableParallelism(),
  load = loadavg()[0] ?? 0,
): number {
  const set = Number.parseInt(env.TEST_WORKERS ?? '', 10);
  if (set > 0) return set;
  return Math.max(1, Math.min(cores + 1, Math.round(cores + 1 - load / cores)));
}

/** Shared vitest settings: resolve workspace packages to their TypeScript sources. */
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    include: UNIT_FILES,
    ...TIMEOUTS,
    maxWorkers: testWorkers(),
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
