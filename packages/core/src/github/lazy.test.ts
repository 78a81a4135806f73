import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { ADAPTER_NAMES } from '../testing/names.js';

/**
 * Every module that must not be evaluated by `import '@shared-hosting/core'`: the SDKs, yaml, and our own
 * modules that import them. Each is replaced by a pass-through that records its evaluation.
 */
const probe = vi.hoisted(() => {
  const loaded: string[] = [];
  const record = (id: string) => async (importOriginal: () => Promise<unknown>) => {
    loaded.push(id);
    return importOriginal();
  };
  return { loaded, record };
});

vi.mock('@octokit/rest', probe.record('@octokit/rest'));
vi.mock('@octokit/plugin-retry', probe.record('@octokit/plugin-retry'));
vi.mock('@octokit/plugin-throttling', probe.record('@octokit/plugin-throttling'));
vi.mock('bottleneck', probe.record('bottleneck'));
vi.mock('yaml', probe.record('yaml'));
vi.mock('@aws-sdk/client-ssm', probe.record('@aws-sdk/client-ssm'));
vi.mock('@aws-sdk/client-ecr', probe.record('@aws-sdk/client-ecr'));
vi.mock('@smithy/core/retry', probe.record('@smithy/core/retry'));
vi.mock('./workflows.js', probe.record('github/workflows'));
vi.mock('./client.js', probe.record('github/client'));
vi.mock('../aws/clients.js', probe.record('aws/clients'));

describe('loading', () => {
  it('importing the core and its GitHub and AWS entries evaluates no SDK, yaml or client implementation', async () => {
    const core = await import('../index.js');
    const github = await import('./index.js');
    const aws = await import('../aws/index.js');
    expect([typeof core.createPorts, typeof github.createGitHubWorkflows, typeof aws.createAwsPorts]).toEqual(
      ['function', 'function', 'function'],
    );
    expect(probe.loaded).toEqual([]);

    // First use loads them: the probes see it (so the check above can fail).
    await github.createGitHubWorkflows({
      names: ADAPTER_NAMES,
      token: 'not-a-token',
      baseUrl: 'http://127.0.0.1:9',
    });
    expect(new Set(probe.loaded)).toEqual(
      new Set([
        'github/workflows',
        'github/client',
        '@octokit/rest',
        '@octokit/plugin-retry',
        '@octokit/plugin-throttling',
        'bottleneck',
        'yaml',
      ]),
    );
    const env = { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' };
    const ports = await aws.createAwsPorts({
      names: ADAPTER_NAMES,
      env: { ...env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9' },
    });
    expect(ports.region).toBe('eu-west-1');
    expect(probe.loaded).toEqual(
      expect.arrayContaining([
        'aws/clients',
        '@aws-sdk/client-ssm',
        '@aws-sdk/client-ecr',
        '@smithy/core/retry',
      ]),
    );
  });
});

describe('error catalog', () => {
  it('lists every code the GitHub implementation throws', async () => {
    const { errorCatalog } = await import('../errors/catalog.js');
    const listed = new Set(errorCatalog.map((e) => e.code));
    const codes = new Set<string>();
    const sources = readdirSync(new URL('.', import.meta.url)).filter(
      (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
    );
    for (const file of sources) {
      const text = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8');
      // Thrown directly, or listed in an error table (`code: 'GITHUB_FORBIDDEN'`).
      for (const m of text.matchAll(
        /new (?:PreconditionError|RemoteError|HostingError)\(\s*(?:'github',\s*)?'([A-Z_]+)'|\bcode: '([A-Z_]+)'/g,
      )) {
        const code = m[1] ?? m[2];
        if (code) codes.add(code);
      }
    }
    expect(codes.size).toBeGreaterThan(10);
    expect([...codes].filter((c) => !listed.has(c))).toEqual([]);
  });
});
