/**
 * The GitHub InfraWorkflows through the real Octokit (retry + throttling plugins) over HTTP against the testkit
 * GitHub peer, whose every request and response is validated against GitHub's OpenAPI description.
 * Time runs on a fake clock shared by the peer and the client, so long waits take milliseconds.
 */
import { inspect } from 'node:util';
import { type GitHubPeer, type GitHubPeerOptions, startGitHubPeer } from '@shared-hosting/testkit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { HostingError } from '../errors/errors.js';
import type { InfraWorkflows, RunUpdate, WorkflowTarget } from '../ports/ports.js';
import { infraTarget, PeerClock } from '../testing/github.js';
import { ADAPTER_NAMES } from '../testing/names.js';
import {
  createGitHubWorkflows,
  type GitHubTuning,
  resolveGitHubToken,
  resolveGitHubTokenWithSource,
} from './index.js';

const FAST: GitHubTuning = { retryAfterBaseValue: 1, writeMinTimeMs: 0, requestTimeoutMs: 10_000 };

interface Setup {
  peer: GitHubPeer;
  clock: PeerClock;
  gh: InfraWorkflows;
  logs: string[];
  target: WorkflowTarget;
}

let peers: GitHubPeer[] = [];
afterEach(async () => {
  const stopping = peers;
  peers = [];
  // stop() throws when any request or response violated GitHub's OpenAPI description: the test fails.
  for (const p of stopping) await p.stop();
});

async function setup(
  options: GitHubPeerOptions & {
    token?: string;
    tuning?: GitHubTuning;
    skew?: number;
    inputs?: Record<string, string>;
  } = {},
): Promise<Setup> {
  const clock = new PeerClock();
  const peer = await startGitHubPeer({
    clock,
    ...options,
    ...(options.skew === undefined ? {} : { clockSkewMs: options.skew }),
  });
  peers.push(peer);
  const logs: string[] = [];
  const gh = await createGitHubWorkflows({
    names: ADAPTER_NAMES,
    token: options.token ?? peer.token,
    baseUrl: peer.url,
    clock,
    log: (m) => logs.push(m),
    tuning: { ...FAST, ...options.tuning },
  });
  const target = infraTarget(options.inputs);
  return { peer, clock, gh, logs, target };
}

async function caught(p: Promise<unknown>): Promise<HostingError> {
  try {
    await p;
  } catch (error) {
    expect(error).toBeInstanceOf(HostingError);
    return error as HostingError;
  }
  throw new Error('expected a failure, but it succeeded');
}

function expectNoToken(token: string, ...things: unknown[]): void {
  for (const t of things) {
    const text = typeof t === 'string' ? t : `${inspect(t, { depth: 8 })} ${JSON.stringify(t) ?? ''}`;
    expect(text).not.toContain(token);
  }
}

describe('preflight', () => {
  it('accepts an active workflow that declares our inputs on an existing ref', async () => {
    const { gh, target, peer } = await setup();
    const info = await gh.preflight(target);
    expect(info).toMatchObject({ name: 'Deploy', path: '.github/workflows/deploy.yaml' });
    expect(peer.stats.dispatches).toHaveLength(0);
  });

  it('401: names the bad token and how to fix it, without printing it', async () => {
    const { gh, target, logs } = await setup({ token: 'ghp_badbadbadbadbad' });
    const e = await caught(gh.preflight(target));
    expect(e.code).toBe('GITHUB_UNAUTHORIZED');
    expect(e.message).toMatch(/401/);
    expect(e.fix).toMatch(/expired|revoked/);
    expectNoToken('ghp_badbadbadbadbad', e, e.message, e.fix, logs);
  });

  it('404 for a repository the token cannot see: explains that a job GITHUB_TOKEN cannot reach another repository', async () => {
    const { gh, target } = await setup({
      token: 'ghs_jobtoken',
      tokens: {
        ghs_jobtoken: { login: 'github-actions[bot]', access: 'none', integration: true, user: false },
      },
    });
    const e = await caught(gh.preflight(target));
    expect(e.code).toBe('INFRA_REPO_NOT_FOUND');
    expect(e.message).toContain('acme/infra');
    expect(e.fix).toMatch(/GITHUB_TOKEN/);
    expect(e.fix).toMatch(/create-github-app-token/);
    expect(e.fix).toMatch(/Actions: write/);
  });

  it('workflow missing, disabled, without workflow_dispatch, with other inputs; ref missing', async () => {
    const s = await setup();
    expect((await caught(s.gh.preflight({ ...s.target, workflow: 'nope.yaml' }))).code).toBe(
      'WORKFLOW_NOT_FOUND',
    );
    expect((await caught(s.gh.preflight({ ...s.target, ref: 'no-such-branch' }))).code).toBe('REF_NOT_FOUND');
    s.peer.scenario.setWorkflowState('disabled_manually');
    const disabled = await caught(s.gh.preflight(s.target));
    expect(disabled.code).toBe('WORKFLOW_DISABLED');
    expect(disabled.fix).toContain('gh workflow enable deploy.yaml -R acme/infra');

    const noDispatch = await setup({
      workflowYaml: 'name: Deploy\non:\n  push:\n    branches: [main]\njobs: {}\n',
    });
    const e1 = await caught(noDispatch.gh.preflight(noDispatch.target));
    expect(e1.code).toBe('WORKFLOW_NO_DISPATCH');
    expect(e1.fix).toContain('workflow_dispatch');

    const otherInputs = await setup({ workflowInputs: ['app', 'environment'] });
    const e2 = await caught(otherInputs.gh.preflight(otherInputs.target));
    expect(e2.code).toBe('WORKFLOW_INPUTS_MISMATCH');
    expect(e2.message).toContain('application');
    expect(e2.message).toContain('app');
  });
});

describe('dispatch', () => {
  it('2026-03-10: reads the run from the 200 answer, sends no return_run_details', async () => {
    const { gh, target, peer, logs } = await setup();
    const run = await gh.dispatch(target);
    expect(peer.stats.dispatches).toEqual([
      {
        ref: 'main',
        inputs: target.inputs,
        returnRunDetails: undefined,
        actor: 'deployer',
        apiVersion: '2026-03-10',
      },
    ]);
    expect(run.id).toBe(peer.infra.runs()[0]?.id);
    expect(run.url).toBe(peer.infra.runUrl(run.id));
    expect(logs.join('\n')).not.toMatch(/REST API version/);
  });

  it('a server without 2026-03-10 (GHES 3.20): 2022-11-28 with return_run_details, decided and said once', async () => {
    const { gh, target, peer, logs } = await setup({ apiVersions: ['2022-11-28'] });
    await gh.preflight(target);
    const run = await gh.dispatch(target);
    await gh.dispatch(target);
    expect(run.id).toBe(peer.infra.runs()[0]?.id);
    expect(peer.stats.dispatches.map((d) => [d.apiVersion, d.returnRunDetails])).toEqual([
      ['2022-11-28', true],
      ['2022-11-28', true],
    ]);
    // One request was refused for its version (the first, sent once); every other one sent 2022-11-28.
    const [first, ...rest] = peer.stats.log;
    expect([first?.status, first?.apiVersion]).toEqual([400, '2026-03-10']);
    expect(rest.map((l) => l.apiVersion)).toEqual(rest.map(() => '2022-11-28'));
    const said = logs.filter((l) => /REST API version 2026-03-10/.test(l));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/using 2022-11-28/);
    // Another client in the same process asks the same server: decided already, nothing refused or said again.
    const again = await createGitHubWorkflows({
      names: ADAPTER_NAMES,
      token: peer.token,
      baseUrl: peer.url,
      log: (m) => logs.push(m),
    });
    await again.preflight(target);
    expect(peer.stats.log.filter((l) => l.status === 400)).toHaveLength(1);
    expect(logs.filter((l) => /REST API version 2026-03-10/.test(l))).toHaveLength(1);
  });

  it('403 "Resource not accessible by integration" on dispatch: explains the GITHUB_TOKEN limit and the fixes', async () => {
    const token = 'ghs_readonlyinstallation';
    const { gh, target, logs } = await setup({
      token,
      tokens: { [token]: { login: 'github-actions[bot]', access: 'read', integration: true, user: false } },
    });
    await gh.preflight(target);
    const e = await caught(gh.dispatch(target));
    expect(e.code).toBe('GITHUB_FORBIDDEN');
    expect(e.message).toContain('Resource not accessible by integration');
    expect(e.fix).toMatch(/job's own GITHUB_TOKEN/);
    expect(e.fix).toMatch(/GitHub App/);
    expect(e.fix).toMatch(/fine-grained personal access token with Actions: write/);
    expectNoToken(token, e, logs);
  });

  it('422 from GitHub (disabled workflow, unexpected inputs) become precise errors', async () => {
    const s = await setup();
    s.peer.scenario.setWorkflowState('disabled_manually');
    expect((await caught(s.gh.dispatch(s.target))).code).toBe('WORKFLOW_DISABLED');
    s.peer.scenario.setWorkflowState('active');
    expect(
      (await caught(s.gh.dispatch({ ...s.target, inputs: { ...s.target.inputs, extra: 'x' } }))).code,
    ).toBe('WORKFLOW_INPUTS_MISMATCH');
  });

  it('a secondary rate limit on the dispatch is waited out and the dispatch sent once more (it was not processed)', async () => {
    const { gh, target, peer } = await setup();
    peer.scenario.secondaryRateLimit({ operationId: 'actions/create-workflow-dispatch', retryAfter: 1 });
    const run = await gh.dispatch(target);
    expect(peer.stats.dispatches).toHaveLength(1);
    expect(
      peer.stats.log.filter((l) => l.operationId === 'actions/create-workflow-dispatch').map((l) => l.status),
    ).toEqual([403, 200]);
    expect(run.id).toBe(peer.infra.runs()[0]?.id);
  });

  it('overlapping dispatches by another actor: the returned run id is ours', async () => {
    const { gh, target, peer } = await setup();
    peer.scenario.onNextDispatch('someone-else', { inputs: target.inputs });
    const run = await gh.dispatch(target);
    expect(peer.infra.run(run.id)?.actor).toBe('deployer');
    expect(peer.infra.runs()).toHaveLength(2);
  });

  it('every request of preflight, dispatch and wait sends 2026-03-10, valid under it, none deprecated', async () => {
    const { gh, target, peer } = await setup();
    await gh.preflight(target);
    const run = await gh.dispatch(target);
    expect((await gh.wait(run, { timeoutMs: 600_000 })).conclusion).toBe('success');
    expect(peer.stats.log.length).toBeGreaterThan(5);
    expect(peer.stats.apiVersions).toEqual({ '2026-03-10': peer.stats.log.length });
    expect(peer.stats.deprecated).toEqual([]);
    peer.assertValid();
  });

  it('older GHES (3.19 description, /api/v3): preflight, dispatch and wait complete under 2022-11-28', async () => {
    const { gh, target, peer, logs } = await setup({ ghes: true });
    await gh.preflight(target);
    const run = await gh.dispatch(target);
    expect(run.id).toBe(peer.infra.runs()[0]?.id);
    expect((await gh.wait(run, { timeoutMs: 600_000 })).conclusion).toBe('success');
    expect(logs.filter((l) => /REST API version/.test(l))).toHaveLength(1);
    expect(peer.stats.dispatches.map((d) => d.apiVersion)).toEqual(['2022-11-28']);
    expect(peer.stats.deprecated).toEqual([]);
    peer.assertValid();
  });

  describe('older GitHub Enterprise without return_run_details', () => {
    it('repeats without the field and finds the run: after the dispatch, by our login, despite clock skew and list delay', async () => {
      for (const skew of [-7_000, 0, 4_500]) {
        const { gh, target, peer, logs, clock } = await setup({
          returnRunDetails: false,
          skew,
          pathPrefix: '/api/v3',
          defaultRun: { listDelayMs: 3000 },
        });
        // An older run by us, and an overlapping one by someone else with the same inputs.
        peer.scenario.dispatchAs('deployer', { inputs: target.inputs });
        clock.time += 30_000;
        peer.scenario.onNextDispatch('someone-else', { inputs: target.inputs });
        const run = await gh.dispatch(target);
        const mine = peer.infra.runs().filter((r) => r.actor === 'deployer');
        expect(run.id, `skew ${skew}`).toBe(mine.at(-1)?.id);
        expect(run.url).toBe(peer.infra.runUrl(run.id));
        expect(peer.stats.dispatches.map((d) => d.returnRunDetails)).toEqual([undefined]);
        expect(
          peer.stats.log
            .filter((l) => l.operationId === 'actions/create-workflow-dispatch')
            .map((l) => l.status),
        ).toEqual([422, 204]);
        expect(logs.join('\n')).toMatch(/does not support return_run_details/);
      }
    });

    it('answers 400 on some versions: same fallback', async () => {
      const { gh, target, peer } = await setup({ returnRunDetails: false, ghesRejectStatus: 400 });
      const run = await gh.dispatch(target);
      expect(run.id).toBe(peer.infra.runs()[0]?.id);
    });

    it('tells runs of the same actor apart by their title (run-name shows the inputs)', async () => {
      const { gh, target, peer } = await setup({ returnRunDetails: false });
      peer.scenario.onNextDispatch('deployer', {
        inputs: { application: 'hello-app', environment: 'staging' },
      });
      const run = await gh.dispatch(target);
      expect(peer.infra.run(run.id)?.inputs).toEqual(target.inputs);
    });

    it('two runs that cannot be told apart: RUN_AMBIGUOUS naming both, never a guess', async () => {
      const { gh, target, peer } = await setup({ returnRunDetails: false });
      peer.scenario.onNextDispatch('deployer', { inputs: target.inputs });
      const e = await caught(gh.dispatch(target));
      expect(e.code).toBe('RUN_AMBIGUOUS');
      for (const r of peer.infra.runs()) expect(e.message).toContain(peer.infra.runUrl(r.id));
      expect(e.fix).toContain('run-name');
    });

    it('an installation token (no /user) without run-name still finds a lone run', async () => {
      const token = 'ghs_appinstallation';
      const { gh, target, peer } = await setup({
        returnRunDetails: false,
        runName: false,
        token,
        tokens: { [token]: { login: 'deploy-app[bot]', access: 'write', integration: true, user: false } },
      });
      const run = await gh.dispatch(target);
      expect(peer.infra.run(run.id)?.actor).toBe('deploy-app[bot]');
    });

    it('a run that never shows up: RUN_NOT_FOUND after the search window', async () => {
      const { gh, target, clock } = await setup({
        returnRunDetails: false,
        defaultRun: { listDelayMs: 10 * 60_000 },
        tuning: { findRunTimeoutMs: 30_000 },
      });
      const e = await caught(gh.dispatch(target));
      expect(e.code).toBe('RUN_NOT_FOUND');
      expect(clock.slept).toBeGreaterThanOrEqual(30_000);
    });
  });

  it('a lost answer after the POST is not re-sent blindly: the run it created is found and used', async () => {
    for (const status of ['reset', 502] as const) {
      const { gh, target, peer } = await setup();
      peer.scenario.fault({ operationId: 'actions/create-workflow-dispatch', status, afterProcessing: true });
      const run = await gh.dispatch(target);
      expect(peer.stats.dispatches, String(status)).toHaveLength(1);
      expect(run.id).toBe(peer.infra.runs()[0]?.id);
    }
  });

  it('a POST that failed before reaching GitHub is sent again only after looking for its run', async () => {
    const { gh, target, peer } = await setup({ tuning: { findAfterFailureMs: 5000 } });
    peer.scenario.fault({ operationId: 'actions/create-workflow-dispatch', status: 502 });
    const run = await gh.dispatch(target);
    expect(peer.stats.dispatches).toHaveLength(1);
    const ops = peer.stats.log.map((l) => l.operationId);
    const firstPost = ops.indexOf('actions/create-workflow-dispatch');
    const secondPost = ops.lastIndexOf('actions/create-workflow-dispatch');
    expect(ops.slice(firstPost, secondPost)).toContain('actions/list-workflow-runs');
    expect(run.id).toBe(peer.infra.runs()[0]?.id);
  });
});

describe('wait', () => {
  it('follows the run through every status with ETags (304s are free) and reports job and step', async () => {
    const { gh, target, peer } = await setup();
    peer.scenario.nextRun({
      requestedMs: 1500,
      queuedMs: 4000,
      pendingMs: 3000,
      jobs: [
        {
          name: 'deploy',
          steps: [
            { name: 'Set up job', durationMs: 2000 },
            { name: 'Deploy application', durationMs: 30_000 },
            { name: 'Complete job', durationMs: 1000 },
          ],
        },
      ],
    });
    const run = await gh.dispatch(target);
    const updates: RunUpdate[] = [];
    const result = await gh.wait(run, { timeoutMs: 600_000, onUpdate: (u) => updates.push(u) });
    expect(result.conclusion).toBe('success');
    expect(result.failedJobs).toEqual([]);
    const statuses = [...new Set(updates.map((u) => u.status))];
    expect(statuses).toEqual(['requested', 'queued', 'pending', 'in_progress', 'completed']);
    expect(updates.some((u) => u.job === 'deploy' && u.step === 'Deploy application')).toBe(true);
    expect(peer.stats.notModified).toBeGreaterThan(5);
    expect(result.requests).toBeLessThanOrEqual(10);
  });

  it('an environment approval is reported once, with the environment and its reviewers', async () => {
    const { gh, target, peer } = await setup();
    peer.scenario.nextRun({
      approval: { environment: 'production', reviewers: ['alice', '@ops'], approveAfterMs: 30_000 },
    });
    const run = await gh.dispatch(target);
    const updates: RunUpdate[] = [];
    const result = await gh.wait(run, { timeoutMs: 600_000, onUpdate: (u) => updates.push(u) });
    expect(result.conclusion).toBe('success');
    const approvals = updates.filter((u) => u.approval);
    expect(approvals).toHaveLength(1);
    expect(approvals[0]).toMatchObject({
      status: 'waiting',
      approval: { environment: 'production', reviewers: ['alice', '@acme/ops'] },
    });
    expect(peer.stats.byOperation['actions/get-pending-deployments-for-run']).toBe(1);
  });

  it('survives bursts of 502s and dropped connections without ending the wait', async () => {
    const { gh, target, peer, logs } = await setup();
    const run = await gh.dispatch(target);
    peer.scenario.fault({ operationId: 'actions/get-workflow-run', status: 502, count: 6 });
    peer.scenario.fault({ operationId: 'actions/get-workflow-run', status: 'reset', count: 2 });
    peer.scenario.fault({ operationId: 'actions/get-workflow-run', status: 503, count: 3 });
    const result = await gh.wait(run, { timeoutMs: 600_000 });
    expect(result.conclusion).toBe('success');
    expect(logs.join('\n')).toMatch(/still waiting/);
  });

  it('a 502 at the start costs seconds, not a long back-off', async () => {
    const { gh, target, peer, clock } = await setup();
    const run = await gh.dispatch(target);
    clock.time += 5000; // the run (about 2 s) is over
    peer.scenario.fault({ operationId: 'actions/get-workflow-run', status: 502, count: 2 });
    const t0 = clock.now();
    expect((await gh.wait(run, { timeoutMs: 600_000 })).conclusion).toBe('success');
    expect(clock.now() - t0).toBeLessThanOrEqual(3000);
  });

  it('a server without ETags is polled less often, and more slowly still when its rate limit runs low', async () => {
    const plan = { jobs: [{ name: 'deploy', steps: [{ name: 'Deploy application', durationMs: 60_000 }] }] };
    const fast = await setup({ defaultRun: plan });
    const withEtags = await fast.gh.wait(await fast.gh.dispatch(fast.target), { timeoutMs: 600_000 });
    const slow = await setup({ etags: false, defaultRun: plan });
    const without = await slow.gh.wait(await slow.gh.dispatch(slow.target), { timeoutMs: 600_000 });
    expect(slow.peer.stats.notModified).toBe(0);
    expect(without.requests).toBeLessThanOrEqual(14); // 5 s steps at least
    expect(withEtags.requests).toBeLessThanOrEqual(4); // queued, in_progress, completed
    const low = await setup({ etags: false, rateLimit: 40, defaultRun: plan });
    const lowRun = await low.gh.wait(await low.gh.dispatch(low.target), { timeoutMs: 3_600_000 });
    expect(lowRun.conclusion).toBe('success');
    expect(lowRun.requests).toBeLessThanOrEqual(4); // spread over the hour until the reset
  });

  it('honours Retry-After on secondary rate limits (403 and 429) and x-ratelimit-reset on the primary limit', async () => {
    const { gh, target, peer, clock } = await setup();
    peer.scenario.nextRun({
      queuedMs: 500,
      jobs: [{ name: 'deploy', steps: [{ name: 'Deploy application', durationMs: 1000 }] }],
    });
    const run = await gh.dispatch(target);
    peer.scenario.secondaryRateLimit({
      operationId: 'actions/get-workflow-run',
      retryAfter: 45,
      status: 403,
    });
    let t0 = clock.now();
    await gh.wait(run, { timeoutMs: 600_000 });
    expect(clock.now() - t0).toBeGreaterThanOrEqual(45_000);

    const run2 = await gh.dispatch(target);
    peer.scenario.secondaryRateLimit({
      operationId: 'actions/get-workflow-run',
      retryAfter: 20,
      status: 429,
    });
    t0 = clock.now();
    await gh.wait(run2, { timeoutMs: 600_000 });
    expect(clock.now() - t0).toBeGreaterThanOrEqual(20_000);

    const run3 = await gh.dispatch(target);
    peer.scenario.exhaustRateLimit(90_000);
    t0 = clock.now();
    const r3 = await gh.wait(run3, { timeoutMs: 600_000 });
    expect(r3.conclusion).toBe('success');
    expect(clock.now() - t0).toBeGreaterThanOrEqual(90_000);
    expect(peer.stats.log.filter((l) => l.status === 403).length).toBeLessThanOrEqual(2);
  });

  it('secondary rate limits outside the wait are retried by the throttling plugin', async () => {
    const { gh, target, peer } = await setup();
    peer.scenario.secondaryRateLimit({ operationId: 'repos/get', retryAfter: 1 });
    peer.scenario.secondaryRateLimit({ operationId: 'actions/get-workflow', retryAfter: 1, status: 429 });
    await gh.preflight(target);
    expect(peer.stats.byOperation['repos/get']).toBe(2);
  });

  for (const conclusion of ['failure', 'cancelled', 'timed_out'] as const) {
    it(`conclusion ${conclusion}: names the failed job and step, with the end of its log`, async () => {
      const { gh, target, peer } = await setup();
      peer.scenario.nextRun({ conclusion });
      const run = await gh.dispatch(target);
      const result = await gh.wait(run, { timeoutMs: 600_000 });
      expect(result.conclusion).toBe(conclusion);
      expect(result.failedJobs).toHaveLength(1);
      expect(result.failedJobs[0]).toMatchObject({ name: 'deploy', conclusion, step: 'Deploy application' });
      expect(result.failedJobs[0]?.logTail?.join('\n')).toContain('terraform apply -auto-approve');
      if (conclusion === 'failure')
        expect(result.failedJobs[0]?.logTail?.at(-1)).toBe('##[error]Process completed with exit code 1.');
    });
  }

  for (const conclusion of ['startup_failure', 'action_required', 'stale', 'neutral', 'skipped'] as const) {
    it(`conclusion ${conclusion} is reported as it is (never as success)`, async () => {
      const { gh, target, peer } = await setup();
      peer.scenario.nextRun({ conclusion });
      const run = await gh.dispatch(target);
      const result = await gh.wait(run, { timeoutMs: 600_000 });
      expect(result.conclusion).toBe(conclusion);
    });
  }

  it('a token that may not read logs still gets the failed job and step', async () => {
    const token = 'ghp_nologs';
    const { gh, target, peer } = await setup({
      token,
      tokens: { [token]: { login: 'deployer', access: 'write', logs: false } },
    });
    peer.scenario.nextRun({ conclusion: 'failure' });
    const run = await gh.dispatch(target);
    const result = await gh.wait(run, { timeoutMs: 600_000 });
    expect(result.failedJobs[0]).toMatchObject({ name: 'deploy', step: 'Deploy application' });
    expect(result.failedJobs[0]?.logTail).toBeUndefined();
  });

  it('timeout: TimeoutError with the elapsed time and the run URL; the run keeps going', async () => {
    const { gh, target, peer } = await setup();
    peer.scenario.nextRun({
      jobs: [{ name: 'deploy', steps: [{ name: 'Deploy application', durationMs: 3_600_000 }] }],
    });
    const run = await gh.dispatch(target);
    const e = await caught(gh.wait(run, { timeoutMs: 60_000 }));
    expect(e.code).toBe('WAIT_TIMEOUT');
    expect(e.message).toContain('within 1m 0s (waited 1m 0s');
    expect(e.message).toContain(run.url);
    expect(e.message).toMatch(/in_progress/);
    expect(peer.infra.run(run.id)?.cancelRequestedAt).toBeUndefined();
    expect(e.fix).toContain('<cancelOnTimeout>');
  });

  it('GitHub answering 503 for the whole wait: a remote error (GitHub kept failing, the status, how long), not a timeout', async () => {
    const { gh, target, peer } = await setup();
    const run = await gh.dispatch(target);
    peer.scenario.fault({ operationId: 'actions/get-workflow-run', status: 503, count: 10_000 });
    const e = await caught(gh.wait(run, { timeoutMs: 60_000 }));
    expect(e.kind).toBe('remote');
    expect(e.code).toBe('GITHUB_UNAVAILABLE_WAITING');
    expect(e.name).toBe('RemoteError');
    expect(e.message).toContain('GitHub kept failing');
    expect(e.message).toContain('HTTP 503');
    expect(e.message).toMatch(/for 1m 0s until the 1m 0s timeout/);
    expect(e.message).toContain(run.url);
    expect(e.fix).toContain('githubstatus.com');
    expect(peer.stats.byOperation['actions/get-workflow-run']).toBeGreaterThan(5);
  });

  it('503s only at the end of a long wait on a slow run still end as a timeout', async () => {
    const { gh, target, peer, clock } = await setup();
    peer.scenario.nextRun({
      jobs: [{ name: 'deploy', steps: [{ name: 'Deploy application', durationMs: 3_600_000 }] }],
    });
    const run = await gh.dispatch(target);
    const wait = gh.wait(run, { timeoutMs: 60_000 });
    const start = clock.now();
    await vi.waitFor(() => expect(clock.now() - start).toBeGreaterThan(45_000), { timeout: 20_000 });
    peer.scenario.fault({ operationId: 'actions/get-workflow-run', status: 503, count: 10_000 });
    const e = await caught(wait);
    expect(e.code).toBe('WAIT_TIMEOUT');
    expect(e.message).toMatch(/in_progress/);
  });

  it('cancel-on-timeout cancels the remote run', async () => {
    const { gh, target, peer } = await setup();
    peer.scenario.nextRun({
      jobs: [{ name: 'deploy', steps: [{ name: 'Deploy application', durationMs: 3_600_000 }] }],
    });
    const run = await gh.dispatch(target);
    const e = await caught(gh.wait(run, { timeoutMs: 60_000, cancelOnTimeout: true }));
    expect(e.code).toBe('WAIT_TIMEOUT');
    expect(e.message).toContain('cancelled');
    expect(peer.infra.run(run.id)?.cancelRequestedAt).toBeDefined();
    expect(peer.stats.byOperation['actions/cancel-workflow-run']).toBe(1);
  });

  it('abort (Ctrl-C) cancels the remote run and ends with InterruptedError; <cancelOnInterrupt> keeps it', async () => {
    for (const cancelOnInterrupt of [true, false]) {
      const { gh, target, peer } = await setup();
      peer.scenario.nextRun({
        jobs: [{ name: 'deploy', steps: [{ name: 'Deploy application', durationMs: 600_000 }] }],
      });
      const run = await gh.dispatch(target);
      const controller = new AbortController();
      const e = await caught(
        gh.wait(run, {
          timeoutMs: 3_600_000,
          signal: controller.signal,
          cancelOnInterrupt,
          onUpdate: (u) => {
            if (u.status === 'in_progress') controller.abort(new Error('SIGINT'));
          },
        }),
      );
      expect(e.code).toBe('INTERRUPTED');
      expect(e.message).toContain(run.url);
      expect(peer.infra.run(run.id)?.cancelRequestedAt !== undefined).toBe(cancelOnInterrupt);
      expect(e.message).toContain(cancelOnInterrupt ? 'was cancelled' : 'left running');
    }
  });

  it('abort while the run waits for an approval: the run is cancelled, InterruptedError', async () => {
    const { gh, target, peer } = await setup();
    peer.scenario.nextRun({ approval: { environment: 'production', reviewers: ['alice'] } });
    const run = await gh.dispatch(target);
    const controller = new AbortController();
    const e = await caught(
      gh.wait(run, {
        timeoutMs: 3_600_000,
        signal: controller.signal,
        onUpdate: (u) => {
          if (u.approval) controller.abort(new Error('SIGTERM'));
        },
      }),
    );
    expect(e.code).toBe('INTERRUPTED');
    expect(peer.infra.run(run.id)?.cancelRequestedAt).toBeDefined();
  });

  it('the token never appears in logs, errors or results', async () => {
    const { gh, target, peer, logs } = await setup({ returnRunDetails: false });
    peer.scenario.nextRun({ conclusion: 'failure' });
    const errors: unknown[] = [];
    await gh.preflight(target);
    const run = await gh.dispatch(target);
    peer.scenario.fault({ operationId: 'actions/get-workflow-run', status: 502, count: 2 });
    const result = await gh.wait(run, { timeoutMs: 600_000, onUpdate: (u) => errors.push(u) });
    peer.scenario.setWorkflowState('disabled_manually');
    errors.push(await caught(gh.preflight(target)));
    errors.push(await caught(gh.dispatch(target)));
    expectNoToken(peer.token, logs, result, ...errors);
  });
});

describe('runs of a target', () => {
  it('lists active runs (oldest first) and the latest run for these inputs', async () => {
    const { gh, target, peer } = await setup();
    peer.scenario.dispatchAs('alice', { inputs: target.inputs, plan: { queuedMs: 600_000 } });
    peer.scenario.dispatchAs('bob', {
      inputs: { application: 'other', environment: 'production' },
      plan: { queuedMs: 600_000 },
    });
    const mine = await gh.dispatch(target);
    const active = await gh.activeRuns(target);
    expect(active.map((r) => r.actor)).toEqual(['alice', 'deployer']);
    expect((await gh.latestRun(target))?.run.id).toBe(mine.id);
  });
});

describe('resolveGitHubToken', () => {
  it('input, then GITHUB_TOKEN, then GH_TOKEN, then gh auth token when allowed', async () => {
    const gh = async () => 'gho_fromcli';
    expect(
      await resolveGitHubToken({ input: 'a', env: { GITHUB_TOKEN: 'b' }, allowGhCli: true, runGh: gh }),
    ).toBe('a');
    expect(
      await resolveGitHubToken({
        input: '',
        env: { GITHUB_TOKEN: 'b', GH_TOKEN: 'c' },
        allowGhCli: true,
        runGh: gh,
      }),
    ).toBe('b');
    expect(
      await resolveGitHubToken({ env: { GITHUB_TOKEN: ' ', GH_TOKEN: 'c' }, allowGhCli: true, runGh: gh }),
    ).toBe('c');
    expect(await resolveGitHubTokenWithSource({ env: {}, allowGhCli: true, runGh: gh })).toEqual({
      token: 'gho_fromcli',
      source: 'gh auth token',
    });
    expect(await resolveGitHubToken({ env: {}, allowGhCli: false, runGh: gh })).toBeUndefined();
    expect(
      await resolveGitHubToken({ env: {}, allowGhCli: true, runGh: async () => undefined }),
    ).toBeUndefined();
  });

  it('without a gh CLI on PATH there is simply no token', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      expect(await resolveGitHubToken({ env: {}, allowGhCli: true })).toBeUndefined();
    } finally {
      process.env.PATH = path;
    }
  });
});
