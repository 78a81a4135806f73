import { defineConfig } from 'vitest/config';
import {
  ISOLATED,
  isolatedProject,
  SHARED_MODULES,
  SLOW_FILES,
  TIMEOUTS,
  UNIT_FILES,
} from './vitest.shared.ts';

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
    ...SHARED_MODULES,
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
      ...Object.keys(ISOLATED).flatMap((name) => isolatedProject(name, PACKAGES[name] ?? name)),
    ],
  },
});
