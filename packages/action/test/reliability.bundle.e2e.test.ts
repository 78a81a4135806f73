/**
 * The Action's reliability (issue 24): the committed bundle (dist/index.js) against the testkit peers, as
 * the runner runs it. Without a way to trigger, a deploy changes nothing unless `trigger: false` asks to
 * only set the version; hostile values of every input are refused before anything else is loaded. No
 * builder: the images are in the registry.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pushTestImage } from '@shared-hosting/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { actionDir, jobEnv, NODE_24, type RunResult, runBundle, runnerFiles, usePeers } from './runner.js';

const peers = usePeers({
  name: 'action-reliability',
  build: false,
  files: { Dockerfile: 'FROM scratch\n' },
});

const SHA = 'd'.repeat(40);
const param = (app: string) => `/shared-hosting/${app}/staging/version`;
const current = (app: string) => peers.aws.aws.ssm.parameters.get(param(app))?.at(-1)?.Value;

/** An application whose v1 is deployed and whose images v1 and v2 are in its repository. */
async function application(app: string): Promise<void> {
  peers.aws.createRepository(app);
  for (const tag of ['v1', 'v2'])
    await pushTestImage(peers.aws.registry, app, tag, { content: `${app} ${tag}` });
  peers.aws.aws.ssm.seed(param(app), 'v1');
}

/** The bundle on Node 24, with no GitHub token anywhere (job env without GITHUB_TOKEN, no input). */
async function deployWithoutToken(app: string, extra: Record<string, string> = {}) {
  const files = await runnerFiles();
  const requests = peers.github.stats.requests;
  const r = await runBundle({
    entry: 'index.js',
    files,
    workspace: peers.workspace,
    node: NODE_24.path,
    inputs: {
      application: app,
      environment: 'staging',
      version: 'v2',
      'infra-repository': 'acme/infra',
      builder: 'buildah',
      ...extra,
    },
    env: { ...jobEnv(peers, SHA), GITHUB_TOKEN: undefined, GH_TOKEN: undefined },
  });
  return { ...r, githubRequests: peers.github.stats.requests - requests };
}

beforeAll(async () => {
  await application('no-token-app');
  await application('set-only-app');
});

describe('dist/index.js without a way to trigger', () => {
  it('refuses before any side effect, naming github-token and the trigger input that only sets the version', async () => {
    const r = await deployWithoutToken('no-token-app');
    expect(r.status, r.stdout).toBe(1);
    expect(r.stdout).toMatch(/^::error title=[^\n]*::[^\n]*A GitHub token is required/m);
    expect(r.stdout).toContain('github-token');
    expect(r.stdout).toContain('trigger: false');
    expect(r.stdout).not.toContain('--no-trigger');
    expect(current('no-token-app')).toBe('v1');
    expect(peers.aws.aws.ssm.parameters.get('/shared-hosting/no-token-app/staging/lock')).toBeUndefined();
    expect(r.githubRequests).toBe(0);
  });

  it('trigger: false only sets the version: "version set, not deployed", no run, exit 0', async () => {
    const r = await deployWithoutToken('set-only-app', { trigger: 'false' });
    expect(r.status, r.stdout).toBe(0);
    expect(current('set-only-app')).toBe('v2');
    expect(r.outputs).toMatchObject({ version: 'v2', 'run-id': '', 'run-url': '', conclusion: '' });
    expect(r.outputs['parameter-version']).toMatch(/^\d+$/);
    expect(r.summary).toContain('📌 Version set, not deployed: set-only-app v2 to staging');
    expect(r.summary).toContain('the infra deployment was not triggered');
    expect(peers.aws.aws.ssm.parameters.get('/shared-hosting/set-only-app/staging/lock')).toBeUndefined();
    expect(r.githubRequests).toBe(0);
  });

  it('refuses a trigger that is not a boolean, and trigger: false for rollback and promote, before anything runs', async () => {
    const bad = await deployWithoutToken('no-token-app', { trigger: 'maybe' });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/trigger "maybe" is not a boolean/);
    expect(bad.loaded).toEqual(['index.js']);
    const rollback = await deployWithoutToken('no-token-app', {
      command: 'rollback',
      version: '',
      trigger: 'false',
    });
    expect(rollback.status).toBe(1);
    expect(rollback.stdout).toMatch(/trigger: false applies to deploy only; rollback always triggers/);
    expect(rollback.loaded).toEqual(['index.js']);
    expect(current('no-token-app')).toBe('v1');
  });
});

/** Every input of action.yml but the two secrets, and values no input should take. */
const INPUTS = Object.keys(
  (parse(readFileSync(path.join(actionDir, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> })
    .inputs,
).filter((name) => name !== 'github-token' && name !== 'github-app-private-key');
const PASTED_TOKEN = `ghp_${'Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2'}`;
const HOSTILE: Record<string, string> = {
  oversized: 'x'.repeat(100_000),
  'a line break with a workflow command': 'v1\n::error title=pwned::injected',
  'control characters': 'v1\u0007\u001b[31mred',
  'a shell substitution': '$(id);`id`',
  'a token pasted by mistake': PASTED_TOKEN,
};

async function deployWith(name: string, value: string): Promise<RunResult> {
  const files = await runnerFiles();
  return runBundle({
    entry: 'index.js',
    files,
    workspace: peers.workspace,
    inputs: {
      application: 'no-token-app',
      environment: 'staging',
      version: 'v2',
      'infra-repository': 'acme/infra',
      'github-token': peers.github.token,
      [name]: value,
    },
    env: jobEnv(peers, SHA),
  });
}

describe('dist/index.js: hostile values of every input', () => {
  it(`refuses each (${INPUTS.length} inputs), before anything is loaded or asked, naming the input, the value cut short or not shown`, async () => {
    const cases = INPUTS.flatMap((name) =>
      Object.entries(HOSTILE).map(([kind, value]) => ({ name, kind, value })),
    );
    const requests = peers.github.stats.requests;
    const failures: string[] = [];
    // Eight bundles at a time: each ends in about the time Node takes to start.
    for (let i = 0; i < cases.length; i += 8) {
      await Promise.all(
        cases.slice(i, i + 8).map(async ({ name, kind, value }) => {
          const r = await deployWith(name, value);
          const printed = [r.stdout, r.stderr, r.summary].join('\n');
          const errors = r.stdout.split('\n').filter((line) => line.startsWith('::error'));
          const wrong = [
            r.status !== 1 && `exit ${r.status}`,
            r.loaded.join(',') !== 'index.js' && `loaded ${r.loaded.join(',')}`,
            !errors.some((line) => line.includes(name)) &&
              `no error naming ${name}: ${errors.join(' | ').slice(0, 300)}`,
            printed.length > 3000 && `${printed.length} characters printed`,
            printed.includes(PASTED_TOKEN) && 'the token printed',
            /^::error title=pwned/m.test(r.stdout) && 'a workflow command injected',
          ].filter(Boolean);
          if (wrong.length > 0) failures.push(`${name} with ${kind}: ${wrong.join('; ')}`);
        }),
      );
    }
    expect(failures).toEqual([]);
    expect(peers.github.stats.requests).toBe(requests);
    expect(current('no-token-app')).toBe('v1');
  }, 180_000);
});

describe('the entries end on their own', () => {
  // A listening socket opened before the entry runs (test/open-handle.cjs) would keep Node alive forever.
  const openHandle = { NODE_OPTIONS: `--require ${path.join(actionDir, 'test', 'open-handle.cjs')}` };

  it('dist/index.js exits once its outputs are written, with a socket left open: success and failure alike', async () => {
    const files = await runnerFiles();
    const started = Date.now();
    const ok = await runBundle({
      entry: 'index.js',
      files,
      workspace: peers.workspace,
      inputs: {
        application: 'set-only-app',
        environment: 'staging',
        version: 'v2',
        'infra-repository': 'acme/infra',
        'github-token': peers.github.token,
        'dry-run': 'true',
      },
      env: { ...jobEnv(peers, SHA), ...openHandle },
    });
    expect(ok.status, ok.stdout).toBe(0);
    expect(ok.outputs.version).toBe('v2');
    const failed = await runBundle({
      entry: 'index.js',
      files: await runnerFiles(),
      workspace: peers.workspace,
      inputs: { application: 'Not A Name', environment: 'staging' },
      env: { ...jobEnv(peers, SHA), ...openHandle },
    });
    expect(failed.status).toBe(1);
    expect(failed.stdout).toMatch(/^::error title=[^\n]*application/m);
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);

  it('dist/post.js exits when there is nothing to clean up, with a socket left open', async () => {
    const r = await runBundle({
      entry: 'post.js',
      files: await runnerFiles(),
      workspace: peers.workspace,
      env: { ...jobEnv(peers, SHA), ...openHandle },
    });
    expect(r.status).toBe(0);
    expect(r.loaded).toEqual(['post.js']);
  }, 30_000);
});
