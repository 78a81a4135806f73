import { Octokit } from '@octokit/rest';
import { afterEach, describe, expect, it } from 'vitest';
import { type GitHubPeer, startGitHubPeer } from './index.js';

let peer: GitHubPeer | undefined;
afterEach(async () => {
  await peer?.stop();
  peer = undefined;
});

function fakeClock(start = Date.parse('2026-01-01T10:00:00.250Z')) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('GitHub peer', () => {
  it('serves the infra repository, workflow and file, validated against the OpenAPI description', async () => {
    peer = await startGitHubPeer();
    const o = new Octokit({ auth: peer.token, baseUrl: peer.url });
    const repo = await o.rest.repos.get({ owner: 'acme', repo: 'infra' });
    expect(repo.data.full_name).toBe('acme/infra');
    const wf = await o.rest.actions.getWorkflow({ owner: 'acme', repo: 'infra', workflow_id: 'deploy.yaml' });
    expect(wf.data.state).toBe('active');
    const file = await o.rest.repos.getContent({
      owner: 'acme',
      repo: 'infra',
      path: '.github/workflows/deploy.yaml',
      ref: 'main',
    });
    expect('content' in file.data && Buffer.from(file.data.content, 'base64').toString()).toContain(
      'workflow_dispatch',
    );
    const ref = await o.rest.git.getRef({ owner: 'acme', repo: 'infra', ref: 'heads/main' });
    expect(ref.data.object.sha).toMatch(/^[0-9a-f]{40}$/);
    const me = await o.rest.users.getAuthenticated();
    expect(me.data.login).toBe('deployer');
    peer.assertValid();
  });

  it('runs progress through the statuses on the injected clock; ETags give free 304s', async () => {
    const clock = fakeClock();
    peer = await startGitHubPeer({ clock });
    peer.scenario.nextRun({
      queuedMs: 1000,
      approval: { environment: 'production', reviewers: ['alice', '@ops'], approveAfterMs: 5000 },
      conclusion: 'failure',
    });
    const o = new Octokit({ auth: peer.token, baseUrl: peer.url });
    const d = await o.rest.actions.createWorkflowDispatch({
      owner: 'acme',
      repo: 'infra',
      workflow_id: 'deploy.yaml',
      ref: 'main',
      inputs: { application: 'hello', environment: 'production' },
      return_run_details: true,
    });
    expect(d.status).toBe(200);
    const id = (d.data as { workflow_run_id: number }).workflow_run_id;
    const get = () => o.rest.actions.getWorkflowRun({ owner: 'acme', repo: 'infra', run_id: id });
    const first = await get();
    expect(first.data.status).toBe('queued');
    expect(first.data.display_title).toBe('Deploy hello to production');
    const etag = first.headers.etag;
    const before = peer.stats.rateLimited;
    await expect(
      o.rest.actions.getWorkflowRun({
        owner: 'acme',
        repo: 'infra',
        run_id: id,
        headers: { 'if-none-match': etag },
      }),
    ).rejects.toMatchObject({ status: 304 });
    expect(peer.stats.rateLimited).toBe(before);
    clock.advance(1500);
    expect((await get()).data.status).toBe('waiting');
    const pending = await o.rest.actions.getPendingDeploymentsForRun({
      owner: 'acme',
      repo: 'infra',
      run_id: id,
    });
    expect(pending.data[0]?.environment.name).toBe('production');
    clock.advance(5200);
    expect((await get()).data.status).toBe('in_progress');
    clock.advance(60_000);
    const done = await get();
    expect(done.data.status).toBe('completed');
    expect(done.data.conclusion).toBe('failure');
    const jobs = await o.rest.actions.listJobsForWorkflowRun({ owner: 'acme', repo: 'infra', run_id: id });
    const failed = jobs.data.jobs[0]?.steps?.find((s) => s.conclusion === 'failure');
    expect(failed?.name).toBe('Deploy application');
    const log = await o.rest.actions.downloadJobLogsForWorkflowRun({
      owner: 'acme',
      repo: 'infra',
      job_id: jobs.data.jobs[0]?.id ?? 0,
    });
    expect(String(log.data)).toContain('##[error]');
    const runs = await o.rest.actions.listWorkflowRuns({
      owner: 'acme',
      repo: 'infra',
      workflow_id: 'deploy.yaml',
      event: 'workflow_dispatch',
      actor: 'deployer',
      created: '>=2026-01-01T00:00:00Z',
    });
    expect(runs.data.workflow_runs.map((r) => r.id)).toEqual([id]);
    peer.assertValid();
  });

  it('a held run stays queued, however long, until released; then leaves the queue its queuedMs later', async () => {
    const clock = fakeClock();
    peer = await startGitHubPeer({ clock });
    const held = peer.scenario.dispatchAs('colleague', {
      inputs: { application: 'hello', environment: 'staging' },
      plan: { hold: true, queuedMs: 300 },
    });
    const o = new Octokit({ auth: peer.token, baseUrl: peer.url });
    const status = async () =>
      (await o.rest.actions.getWorkflowRun({ owner: 'acme', repo: 'infra', run_id: held.id })).data.status;
    clock.advance(24 * 3600_000);
    expect(await status()).toBe('queued');
    peer.scenario.release(held.id);
    expect(() => peer?.scenario.release(held.id)).toThrow('released already');
    clock.advance(299);
    expect(await status()).toBe('queued');
    clock.advance(1);
    expect(await status()).toBe('in_progress');
    clock.advance(60_000);
    expect(await status()).toBe('completed');
    const other = peer.scenario.dispatchAs('bob', {
      inputs: { application: 'hello', environment: 'staging' },
    });
    expect(() => peer?.scenario.release(other.id)).toThrow('not held');
    peer.assertValid();
  });

  it('answers bad tokens, missing access and older-GHES dispatches like GitHub', async () => {
    peer = await startGitHubPeer({
      returnRunDetails: false,
      tokens: { ghs_other: { login: 'bot', access: 'none', integration: true } },
    });
    const bad = new Octokit({ auth: 'nope', baseUrl: peer.url });
    await expect(bad.rest.repos.get({ owner: 'acme', repo: 'infra' })).rejects.toMatchObject({ status: 401 });
    const other = new Octokit({ auth: 'ghs_other', baseUrl: peer.url });
    await expect(other.rest.repos.get({ owner: 'acme', repo: 'infra' })).rejects.toMatchObject({
      status: 404,
    });
    const o = new Octokit({ auth: peer.token, baseUrl: peer.url });
    await expect(
      o.rest.actions.createWorkflowDispatch({
        owner: 'acme',
        repo: 'infra',
        workflow_id: 'deploy.yaml',
        ref: 'main',
        inputs: { application: 'a', environment: 'b' },
        return_run_details: true,
      }),
    ).rejects.toMatchObject({ status: 422 });
    const ok = await o.rest.actions.createWorkflowDispatch({
      owner: 'acme',
      repo: 'infra',
      workflow_id: 'deploy.yaml',
      ref: 'main',
      inputs: { application: 'a', environment: 'b' },
    });
    expect(ok.status).toBe(204);
    peer.assertValid();
  });

  it('records requests that violate the description and makes stop() fail', async () => {
    const p = await startGitHubPeer();
    // No `ref`: the description requires it.
    const res = await fetch(`${p.url}/repos/acme/infra/actions/workflows/deploy.yaml/dispatches`, {
      method: 'POST',
      headers: { authorization: `token ${p.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: {} }),
    });
    expect(res.status).toBe(422);
    expect(p.stats.violations.join('\n')).toMatch(/create-workflow-dispatch.*ref/);
    await expect(p.stop()).rejects.toThrow(/OpenAPI violation/);
  });

  it('secondary rate limits, 5xx bursts and the primary limit answer like GitHub; 304s are not counted', async () => {
    peer = await startGitHubPeer({ pathPrefix: '/api/v3' });
    const get = (headers: Record<string, string> = {}) =>
      fetch(`${peer?.url}/repos/acme/infra`, {
        headers: { authorization: `Bearer ${peer?.token}`, ...headers },
      });
    peer.scenario.secondaryRateLimit({ retryAfter: 7, status: 429 });
    const limited = await get();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(((await limited.json()) as { message: string }).message).toMatch(/secondary rate limit/);
    peer.scenario.fault({ status: 502, count: 2 });
    expect((await get()).status).toBe(502);
    expect((await get()).status).toBe(502);
    const ok = await get();
    expect(ok.status).toBe(200);
    const remaining = Number(ok.headers.get('x-ratelimit-remaining'));
    const etag = ok.headers.get('etag') ?? '';
    const counted = peer.stats.rateLimited;
    const again = await get({ 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(peer.stats.rateLimited).toBe(counted);
    expect(Number(again.headers.get('x-ratelimit-remaining'))).toBe(remaining);
    peer.scenario.exhaustRateLimit(60_000);
    const exhausted = await get();
    expect(exhausted.status).toBe(403);
    expect(exhausted.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(Number(exhausted.headers.get('x-ratelimit-reset')) * 1000).toBeGreaterThan(Date.now());
  });
});
