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

/** Shared vitest settings: resolve workspace packages to their TypeScript sources. */
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    include: UNIT_FILES,
    ...TIMEOUTS,
    // Integration and e2e files mostly wait (on builds, peers, child processes): run several at once even
    // on 2 cores (vitest's default is cores - 1, which is 1 here). Tests use OS-chosen ports and private
    // temp dirs, so files share nothing.
    maxWorkers: 3,
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});
