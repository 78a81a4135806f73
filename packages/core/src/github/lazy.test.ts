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

describe('error catalog', () => {
  it('lists every code the GitHub implementation throws', async () => {
    const { errorCatalog } = await import('../catalog.js');
    const listed = new Set(errorCatalog.map((e) => e.code));
    const codes = new Set<string>();
    for (const file of ['workflows.ts', 'errors.ts']) {
      const text = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8');
      for (const m of text.matchAll(
        /new (?:PreconditionError|RemoteError|HostingError)\(\s*(?:'github',\s*)?'([A-Z_]+)'/g,
      )) {
        if (m[1]) codes.add(m[1]);
      }
    }
    expect(codes.size).toBeGreaterThan(10);
    expect([...codes].filter((c) => !listed.has(c))).toEqual([]);
  });
});
