/**
 * The reliability suite (issue 24): the BUILT `hosting` bin against the testkit peers, with faults injected
 * (the GitHub test server's faults, a fault-injecting proxy in front of the AWS test server), kills and
 * hostile inputs. Each case asserts that nothing is lost or left behind (lock, version, credential), that
 * what is reported is what happened, and that no secret appears anywhere. The images are pushed to the
 * registry beforehand, so no builder runs: builds are covered by deploy.e2e.test.ts.
 * Run `pnpm --filter @shared-hosting/cli build` first (turbo's test task depends on build).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type AwsPeers,
  type FaultProxy,
  type GitHubPeer,
  pushTestImage,
  startAwsPeers,
  startFaultProxy,
  startGitHubPeer,
} from '@shared-hosting/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = path.resolve(import.meta.dirname, '../dist/hosting.cjs');

let aws: AwsPeers;
let github: GitHubPeer;
let proxy: FaultProxy;
let work: string;
let app: string;

interface Exit {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(
  args: string[],
  extraEnv: Record<string, string> = {},
  onOutput: (text: string) => void = () => {},
): Promise<Exit> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: app,
      env: { ...runEnv(), ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      onOutput(stderr);
    });
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - started }));
  });
}

/** The peers' environment; AWS through the fault proxy. No builder: every image is in the registry. */
function runEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: work,
    ...aws.env,
    AWS_ENDPOINT_URL: proxy.url,
    GITHUB_API_URL: github.url,
    GITHUB_TOKEN: github.token,
    HOSTING_BUILDER: 'buildah',
  };
}

const deploy = (app: string, env: string, version: string, ...flags: string[]) => [
  'deploy',
  '--app',
  app,
  '--env',
  env,
  '--infra-repo',
  'owner/infra',
  '--version',
  version,
  ...flags,
];

const param = (app: string, env: string) => `/shared-hosting/${app}/${env}/version`;
const lockOf = (app: string, env: string) => `/shared-hosting/${app}/${env}/lock`;
const value = (name: string) => aws.aws.ssm.parameters.get(name)?.at(-1)?.Value;

/** Nothing secret in anything the command printed. */
function expectNoSecret(r: Exit): void {
  for (const secret of [aws.registry.password, github.token, aws.env.AWS_SECRET_ACCESS_KEY]) {
    expect(r.stdout + r.stderr).not.toContain(secret);
  }
}

/** Nothing left behind: no lock, no auth file in HOME. */
function expectNothingLeft(app: string, env: string): void {
  expect(aws.aws.ssm.parameters.get(lockOf(app, env))).toBeUndefined();
  expect(readdirSync(work).filter((f) => f.startsWith('.') && f !== '.cache')).toEqual([]);
}

/** An application with version v1 deployed to `env` (by a seed), and `images` in its repository. */
async function application(name: string, env: string, images = ['v1', 'v2']): Promise<void> {
  aws.createRepository(name);
  for (const tag of images) await pushTestImage(aws.registry, name, tag, { content: `${name} ${tag}` });
  aws.aws.ssm.seed(param(name, env), 'v1', { description: 'shared-hosting deploy | version=v1' });
}

beforeAll(async () => {
  if (!existsSync(bin))
    throw new Error(`${bin} is missing: build the CLI first (pnpm --filter @shared-hosting/cli build)`);
  work = mkdtempSync(path.join(tmpdir(), 'hosting-reliability-'));
  app = path.join(work, 'app');
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(path.join(app, 'Dockerfile'), 'FROM scratch\n');
  aws = await startAwsPeers();
  proxy = await startFaultProxy(aws.env.AWS_ENDPOINT_URL as string);
  github = await startGitHubPeer({ owner: 'owner', repo: 'infra', defaultRun: { queuedMs: 200 } });
}, 60_000);

afterAll(async () => {
  await proxy?.stop();
  await github?.stop();
  await aws?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('a dispatch that fails for good leaves the value read under the lock', () => {
  it('a rejected dispatch (422): the parameter is back at v1, read back, and the output says so', async () => {
    await application('rejected-app', 'staging');
    github.scenario.fault({
      operationId: 'actions/create-workflow-dispatch',
      status: 422,
      message: 'Unexpected inputs provided: ["environment"]',
    });
    const r = await run(deploy('rejected-app', 'staging', 'v2', '--json'));
    expect(r.code, r.stderr).toBe(3);
    expect(value(param('rejected-app', 'staging'))).toBe('v1');
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      status: 'failed',
      triggered: false,
      recovery: { restored: true, value: 'v1', left: null },
    });
    expect(out.error.message).toContain('was restored to v1');
    expect(out.error.message).toContain('read back');
    expect(out.error.fix).toContain('the parameter is back at v1');
    expectNothingLeft('rejected-app', 'staging');
    expectNoSecret(r);
  });

  it('a dispatch whose answer was lost (502 after GitHub created the run): the run is found and followed, not restored', async () => {
    await application('lost-answer-app', 'staging');
    github.scenario.fault({
      operationId: 'actions/create-workflow-dispatch',
      status: 502,
      afterProcessing: true,
    });
    const r = await run(deploy('lost-answer-app', 'staging', 'v2', '--json'));
    expect(r.code, r.stderr).toBe(0);
    expect(value(param('lost-answer-app', 'staging'))).toBe('v2');
    expect(JSON.parse(r.stdout)).toMatchObject({
      status: 'succeeded',
      triggered: true,
      conclusion: 'success',
    });
    expectNothingLeft('lost-answer-app', 'staging');
  });

  it('a restore that cannot be done says exactly what is left, on which parameter version, and the command that undoes it', async () => {
    // The previous version's image is gone (a lifecycle rule): the restore must not point at it.
    await application('stuck-app', 'staging', ['v2']);
    github.scenario.fault({
      operationId: 'actions/create-workflow-dispatch',
      status: 422,
      message: 'Unexpected inputs provided: ["x"]',
    });
    const r = await run(deploy('stuck-app', 'staging', 'v2', '--json'));
    const name = param('stuck-app', 'staging');
    const versions = aws.aws.ssm.parameters.get(name) ?? [];
    expect(versions.at(-1)?.Value).toBe('v2');
    const undo = `aws ssm put-parameter --name ${name} --value v1 --type String --overwrite`;
    const out = JSON.parse(r.stdout);
    expect(out.recovery).toMatchObject({
      restored: false,
      left: { value: 'v2', 'parameter-version': versions.at(-1)?.Version, previous: 'v1', undo },
    });
    expect(out.error.message).toContain(`Left behind: v2 (parameter version ${versions.at(-1)?.Version})`);
    expect(out.error.fix).toContain(undo);
    github.scenario.fault({
      operationId: 'actions/create-workflow-dispatch',
      status: 422,
      message: 'Unexpected inputs provided: ["x"]',
    });
    aws.aws.ssm.seed(name, 'v1');
    const text = await run(deploy('stuck-app', 'staging', 'v2'));
    expect(text.stdout + text.stderr).toContain(undo);
    expectNothingLeft('stuck-app', 'staging');
    expectNoSecret(r);
  });
});

describe('deadlines that hold', () => {
  it('an AWS request that never answers ends the command within its deadline with exit 5', async () => {
    await application('hang-app', 'staging');
    proxy.inject({ match: 'DescribeRepositories', fault: 'hang' });
    const r = await run(deploy('hang-app', 'staging', 'v2', '--dry-run'));
    proxy.clearFaults();
    expect(r.code, r.stderr).toBe(5);
    // 60 s call deadline, 15 s per request, plus the process's start.
    expect(r.ms).toBeLessThan(75_000);
    expect(r.stderr).toContain('no answer');
    expect(value(param('hang-app', 'staging'))).toBe('v1');
  }, 90_000);
});

describe('a GitHub request that never answers', () => {
  it('a dispatch that never answers: retried within its deadline, then exit 5 naming GitHub, the version restored, within about a minute', async () => {
    await application('gh-hang-app', 'staging');
    const gh = await startFaultProxy(github.url);
    gh.inject({ match: (r) => r.method === 'POST' && r.path.endsWith('/dispatches'), fault: 'hang' });
    try {
      const r = await run(deploy('gh-hang-app', 'staging', 'v2', '--json'), { GITHUB_API_URL: gh.url });
      expect(r.code, r.stderr).toBe(5);
      // 60 s for the dispatch (15 s per send, a search for its run between sends), plus the process and
      // the preflight: "within about a minute".
      expect(r.ms).toBeLessThan(90_000);
      console.log(`a GitHub dispatch that never answers: exit ${r.code} after ${(r.ms / 1000).toFixed(1)} s`);
      expect(r.stderr).toMatch(/retrying the dispatch/);
      const out = JSON.parse(r.stdout);
      expect(out).toMatchObject({
        status: 'failed',
        triggered: false,
        recovery: { restored: true, value: 'v1' },
      });
      expect(out.error.message).toMatch(/^GitHub did not answer properly when trying to dispatch/);
      expect(out.error.message).toContain('was restored to v1');
      expect(gh.seen.filter((s) => s.fault === 'hang').length).toBeGreaterThanOrEqual(2);
      expect(value(param('gh-hang-app', 'staging'))).toBe('v1');
      expectNothingLeft('gh-hang-app', 'staging');
      expectNoSecret(r);
    } finally {
      await gh.stop();
    }
  }, 120_000);
});

describe('inputs cannot point at someone else', () => {
  it("refuses another application's parameters and lock names with exit 2, before any request", async () => {
    await application('victim-app', 'staging');
    await application('hostile-app', 'staging');
    const before = proxy.seen.length;
    const ghBefore = github.stats.requests;
    for (const target of [
      param('victim-app', 'staging'),
      lockOf('victim-app', 'staging'),
      '/shared-hosting/hostile-app/production/version',
      '/elsewhere/version-lock',
    ]) {
      const r = await run(deploy('hostile-app', 'staging', 'v2', '--parameter', target));
      expect(r.code, `${target}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain('--parameter');
    }
    expect(proxy.seen.length).toBe(before);
    expect(github.stats.requests).toBe(ghBefore);
    expect(value(param('victim-app', 'staging'))).toBe('v1');
    expect(aws.aws.ssm.parameters.get(lockOf('victim-app', 'staging'))).toBeUndefined();
  });

  it('refuses oversized and malformed values of every deploy flag with exit 2, quoting them cut short', async () => {
    const huge = 'x'.repeat(100_000); // under Linux's 128 KiB limit of one argument
    const cases: [string, string][] = [
      ['--app', huge],
      ['--env', huge],
      ['--version', huge],
      ['--repository', huge],
      ['--parameter', `/${huge}`],
      ['--infra-repo', huge],
      ['--infra-workflow', huge],
      ['--infra-ref', `${huge}..`],
      ['--timeout', huge],
      ['--context', `/nonexistent/${'y'.repeat(1000)}`],
    ];
    const before = proxy.seen.length;
    for (const [flag, bad] of cases) {
      const args = [
        'deploy',
        '--app',
        'hello-app',
        '--env',
        'staging',
        '--infra-repo',
        'owner/infra',
        '--version',
        'v1',
      ];
      const at = args.indexOf(flag);
      if (at >= 0) args[at + 1] = bad;
      else args.push(flag, bad);
      const r = await run(args);
      expect(r.code, `${flag}: ${r.stderr.slice(0, 300)}`).toBe(2);
      expect(r.stderr.length, flag).toBeLessThan(4000);
    }
    expect(proxy.seen.length).toBe(before);
  });

  it('without a token, changes nothing (exit 2); with --no-trigger only sets the version', async () => {
    await application('no-token-app', 'staging');
    const r = await run(deploy('no-token-app', 'staging', 'v2'), { GITHUB_TOKEN: '' });
    expect(r.code, r.stderr).toBe(2);
    expect(value(param('no-token-app', 'staging'))).toBe('v1');
    const only = await run(deploy('no-token-app', 'staging', 'v2', '--no-trigger'), { GITHUB_TOKEN: '' });
    expect(only.code, only.stderr).toBe(0);
    expect(only.stdout).toContain('Version set, not deployed');
    expect(value(param('no-token-app', 'staging'))).toBe('v2');
    expectNothingLeft('no-token-app', 'staging');
  });
});

describe('a killed holder', () => {
  it('kill -9 during the wait: the next deploy takes the lock over within 75 s (the real 60 s lease), says whose it was, and deploys', async () => {
    await application('killed-app', 'staging', ['v1', 'v2', 'v3']);
    // The killed deploy's infra run takes 20 s: the next deploy waits for it too (no overlap).
    github.scenario.nextRun({
      jobs: [{ name: 'deploy', steps: [{ name: 'Roll out', durationMs: 20_000 }] }],
    });
    const first = spawn(process.execPath, [bin, ...deploy('killed-app', 'staging', 'v2')], {
      cwd: app,
      env: { ...runEnv(), USER: 'first-deployer' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let firstOut = '';
    first.stderr.on('data', (d) => {
      firstOut += d;
    });
    first.stdout.on('data', (d) => {
      firstOut += d;
    });
    await waitUntil(() => /Wait for infra deployment/.test(firstOut), 30_000);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const killedAt = Date.now();
    expect(aws.aws.ssm.parameters.get(lockOf('killed-app', 'staging'))).toBeDefined();

    let takenAt = 0;
    const second = run(deploy('killed-app', 'staging', 'v3', '--json'), {}, (text) => {
      if (!takenAt && text.includes('took over the lock')) takenAt = Date.now();
    });
    const r = await second;
    expect(r.code, r.stderr).toBe(0);
    const seconds = (takenAt - killedAt) / 1000;
    expect(takenAt, r.stderr).toBeGreaterThan(0);
    expect(seconds).toBeLessThanOrEqual(75);
    console.log(`kill -9 to the next deploy taking the lock over: ${seconds.toFixed(1)} s`);
    expect(r.stderr).toMatch(/took over the lock of first-deployer \(deploy v2\).*its lease lapsed/);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      status: 'succeeded',
      version: 'v3',
      'previous-value': 'v2',
      conclusion: 'success',
    });
    expect(value(param('killed-app', 'staging'))).toBe('v3');
    expectNothingLeft('killed-app', 'staging');
    expectNoSecret(r);
  }, 150_000);
});

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('hostile App specs', () => {
  it('refuses alias bombs, oversized files and values, and a parameter of another application with exit 2, before any request', async () => {
    const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [prev, next] of ['ab', 'bc', 'cd', 'de', 'ef', 'fg', 'gh', 'hi']) {
      bomb.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const specs: Record<string, string> = {
      'bomb.yaml': `${bomb.join('\n')}\nenvironments:\n  staging:\n    cluster: *i\n`,
      'self.yaml': 'environments: &e\n  staging:\n    cluster: shared\n    service: *e\n',
      'huge.yaml': `environments:\n  staging:\n    cluster: shared\n# ${'x'.repeat(400_000)}\n`,
      'long-value.yaml': `environments:\n  staging:\n    cluster: ${'x'.repeat(100_000)}\n`,
      'foreign.yaml':
        'parameter: /shared-hosting/victim-app/{environment}/version\nenvironments:\n  staging:\n    cluster: shared\n',
    };
    const before = proxy.seen.length;
    for (const [file, text] of Object.entries(specs)) {
      writeFileSync(path.join(app, file), text);
      const r = await run(['rollout', '--app', 'hostile-app', '--env', 'staging', '--spec', file]);
      expect(r.code, `${file}: ${r.stderr.slice(0, 400)}`).toBe(2);
      expect(r.stderr, file).toContain(file);
      expect(r.stderr.length, file).toBeLessThan(4000);
      expect(r.ms, file).toBeLessThan(15_000);
    }
    expect(proxy.seen.length).toBe(before);
  });
});
