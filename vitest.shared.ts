import { availableParallelism, loadavg } from 'node:os';
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
/**
 * Integration and e2e files: real builds and child processes on a 2-core machine that the suite itself keeps
 * at load 15 to 25. A timeout here only catches a hang (what a test asserts about time, it asserts itself): a
 * real buildah build in the Action's deploy took 32 s at load 20 and failed at 30 s.
 */
const SLOW_TIMEOUTS = { testTimeout: 120_000, hookTimeout: 120_000 };

export const SLOW_FILES = ['**/*.integration.test.ts', '**/*.e2e.test.ts'];

/** Unit files that must not share a module cache (they check which modules an import evaluates). */
export const ISOLATED: Readonly<Record<string, readonly string[]>> = { core: ['src/github/lazy.test.ts'] };

/**
 * The module cache of every run (`pnpm test:unit`, a package's `pnpm test`): files leave no global state
 * behind (env stubs and spies restored, servers and child processes stopped), so the files of a worker share
 * one module graph, about a third less CPU than a fresh one per file; and transformed modules stay on disk
 * between runs (node_modules/.vite/vitest), so a second run transforms only what changed (transform 31 s ->
 * 7 s of wall at load 11, measured).
 */
export const SHARED_MODULES = { isolate: false, experimental: { fsModuleCache: true } } as const;

/** The project of a package's ISOLATED files (`root`: the package's folder, when the run is not in it). */
export function isolatedProject(name: string, root?: string) {
  const files = ISOLATED[name] ?? [];
  const test = { name: `${name}-isolated`, ...(root ? { root } : {}), include: [...files], isolate: true };
  // Files that assert what an import evaluates need a module graph of their own.
  return files.length === 0 ? [] : [{ extends: true as const, test }];
}

/**
 * How many test files of a package run at once on an idle machine, in `pnpm test` and in a package's own
 * run. Most integration and e2e files wait (on child processes of the built bin, the peers, the real clock:
 * leases, polls, deadlines), so several run beside each other even on 2 cores, and turbo runs the packages
 * side by side. Tests use OS-chosen ports and private temp dirs, so files share nothing.
 */
const WORKERS: Readonly<Record<string, number>> = {
  // The built bin's files: mostly waiting on its polls and on the peers.
  cli: 4,
  // Real builds (buildah, docker, podman) and the unit files.
  core: 3,
  // The bundle on Node 24 against the peers.
  action: 2,
  testkit: 2,
};

/**
 * Fewer on a machine that others keep busy, so that the tests about timing keep their margins: the load
 * above the cores, per core, divides the count (on 2 cores, load 4: half; load 15: one file at a time).
 * In `pnpm test` the load is the one before it started (`TEST_LOAD`, set by the root script): the run's
 * own load (its typecheck, builds, the other packages) is what these counts are for. TEST_WORKERS overrides (for example 1 to bisect a flaky file).
 */
function testWorkers(name: string, env = process.env): number {
  const set = Number.parseInt(env.TEST_WORKERS ?? '', 10);
  if (set > 0) return set;
  const given = Number.parseFloat(env.TEST_LOAD ?? '');
  // TEST_LOAD=0 counts as 0 (CI's dedicated machine), not as unset.
  const load = Number.isFinite(given) ? given : (loadavg()[0] ?? 0);
  const cores = availableParallelism();
  const busy = Math.max(0, load - cores) / cores;
  return Math.max(1, Math.round((WORKERS[name] ?? 2) / (1 + busy)));
}

/**
 * Files that wait longest on the real clock, longest first: each package's run starts them first, so that
 * their waits overlap its other files instead of ending the run alone. Without a cache (CI's clean clone)
 * vitest would start the largest files first. Paths from the package's folder.
 */
const LONG_WAITS = [
  'test/reliability-deadlines.e2e.test.ts', // the 60 s AWS and GitHub deadlines and the 60 s lease, at once
  'test/reliability-kills.e2e.test.ts', // kill -9 at each step: one real 60 s lease for the set
  'test/transcripts.e2e.test.ts', // the docs' story, in order, each run watched by the CLI's 1 s polls
  'test/docs-examples.e2e.test.ts', // every page's commands, each deploy watched by the CLI's 1 s polls
  'test/operations.integration.test.ts', // the CLI's 1 s GitHub polls and 2 s lock polls
  'test/reliability.e2e.test.ts', // faults and hostile inputs: one deploy after another
  'test/github-app.e2e.test.ts', // a run outliving three 5 s tokens
  'test/site.e2e.test.ts', // Chromium over every page
  'test/bundle.e2e.test.ts',
  'src/github/app.integration.test.ts', // a wait over three 5 s token lifetimes
  'src/builders/buildah-cache.integration.test.ts',
];

/**
 * Files that load both cores at once and whose timing margins are tight: they start after the others of their
 * package, once the run's start-up (typecheck, builds, every package's first imports) is over. The core's
 * fault matrix runs 102 deploys at once with 1 s request timeouts: all of them failed at load 25.
 */
const AFTER_START = ['src/run/faults.integration.test.ts'];

/**
 * Vitest's order (failed first, then the longest last time, else the largest), with LONG_WAITS first and
 * AFTER_START last.
 */
class LongWaitsFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const at = (list: string[], file: TestSpecification) =>
      list.findIndex((end) => file.moduleId.endsWith(`/${end}`));
    const rank = (file: TestSpecification) => {
      const first = at(LONG_WAITS, file);
      if (first >= 0) return first;
      return at(AFTER_START, file) >= 0 ? LONG_WAITS.length + 1 : LONG_WAITS.length;
    };
    const sorted = await super.sort(files);
    return sorted
      .map((file, order) => ({ file, order }))
      .sort((a, b) => rank(a.file) - rank(b.file) || a.order - b.order)
      .map(({ file }) => file);
  }
}

/**
 * The vitest settings of a package's run (`name` is its folder's name), every kind of test. Each worker
 * keeps one module graph for the files it runs (SHARED_MODULES), integration and e2e files as unit ones: the
 * testkit's peers, descriptions and SDKs load once per worker instead of once per file (the core's run: 67
 * CPU-s instead of 94). Only the files listed in ISOLATED get a fresh module graph each. Workspace packages
 * resolve to their TypeScript sources; a JSON report for CI's summary (scripts/test-summary.mjs).
 */
export function packageConfig(name: string) {
  const isolated = [...(ISOLATED[name] ?? [])];
  return defineConfig({
    resolve: { conditions: ['source'] },
    ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
    test: {
      ...TIMEOUTS,
      maxWorkers: testWorkers(name),
      ...SHARED_MODULES,
      sequence: { sequencer: LongWaitsFirst },
      reporters: ['default', 'json'],
      outputFile: { json: 'test-results/vitest.json' },
      projects: [
        {
          extends: true,
          test: { name, include: UNIT_FILES, exclude: ['**/node_modules/**', ...SLOW_FILES, ...isolated] },
        },
        {
          extends: true,
          test: {
            name: `${name}-slow`,
            include: SLOW_FILES,
            exclude: ['**/node_modules/**', ...isolated],
            ...SLOW_TIMEOUTS,
          },
        },
        ...isolatedProject(name),
      ],
    },
  });
}
