import { defineConfig } from 'vitest/config';
import { ISOLATED, SLOW_FILES, TIMEOUTS, UNIT_FILES } from './vitest.shared.ts';

/** Where each package's unit tests are (the site's live under test/ only). */
const PACKAGES: Record<string, string> = {
  testkit: 'packages/testkit',
  core: 'packages/core',
  cli: 'packages/cli',
  action: 'packages/action',
  site: 'apps/site',
};

/**
 * `pnpm test:unit`: the unit files (`*.test.ts`, see vitest.shared.ts) of every package in one vitest
 * run. No JSON report: test-results/ belongs to `pnpm test`, whose reports CI sums.
 */
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
  test: {
    reporters: ['default'],
    ...TIMEOUTS,
    maxWorkers: 2,
    // Unit files leave no global state behind (env stubs and spies are restored), so they share module
    // caches: about a third less CPU than a fresh module graph per file.
    isolate: false,
    // Transformed modules kept on disk between runs (node_modules/.vite/vitest): a second run transforms
    // only what changed (transform 31 s -> 7 s of wall at load 11, measured).
    experimental: { fsModuleCache: true },
    projects: [
      ...Object.entries(PACKAGES).map(([name, root]) => ({
        extends: true as const,
        test: {
          name,
          root,
          include: UNIT_FILES,
          exclude: ['**/node_modules/**', ...SLOW_FILES, ...(ISOLATED[name] ?? [])],
        },
      })),
      // Files that assert what an import evaluates need a module graph of their own.
      ...Object.entries(ISOLATED).map(([name, files]) => ({
        extends: true as const,
        test: { name: `${name}-isolated`, root: PACKAGES[name] ?? name, include: [...files], isolate: true },
      })),
    ],
  },
});
