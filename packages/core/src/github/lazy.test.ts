import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** Modules reachable from `@shared-hosting/core` without calling createGitHubWorkflows. */
const EAGER = ['index.ts', 'token.ts'];

describe('loading', () => {
  it('importing the GitHub entry does not load Octokit, yaml or the implementation (they load on first use)', () => {
    for (const file of EAGER) {
      const text = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8');
      const staticImports = [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)]
        .filter((m) => !/^(?:import|export)\s+type\s/.test(m[0]))
        .map((m) => m[1]);
      expect(
        staticImports.filter((s) =>
          /@octokit|bottleneck|^yaml$|workflows\.js|client\.js|workflow-file\.js/.test(s ?? ''),
        ),
        file,
      ).toEqual([]);
    }
    const index = readFileSync(new URL('./index.ts', import.meta.url), 'utf8');
    expect(index).toContain("await import('./workflows.js')");
  });
});
