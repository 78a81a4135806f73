/**
 * The JSON objects the routes answer with (users, repositories, workflows, runs, jobs), built from the
 * description's own examples of the version served, with URLs pointing at the test server.
 */
import type { JobState, RunRecord } from './model.js';
import type { GitHubSpec } from './openapi.js';
import { idOf, iso, sha } from './reply.js';
import type { PeerState } from './state.js';

type Obj = Record<string, unknown>;

export class Objects {
  /** The infra repository as GET /repos/{owner}/{repo} shows it (without permissions). */
  readonly fullRepo: Obj;
  /** The infra repository as a run's `repository` shows it. */
  readonly minimalRepo: Obj;

  constructor(
    readonly spec: GitHubSpec,
    private readonly s: PeerState,
  ) {
    const r = this.rewriteUrls(spec.example('full-repository') as Obj);
    this.fullRepo = {
      ...r,
      id: 4242,
      name: s.repo,
      full_name: s.fullName,
      owner: this.user(s.owner),
      private: true,
      default_branch: [...s.branches.keys()][0] ?? 'main',
      has_discussions: false,
    };
    const keys = (spec.schemaOf('minimal-repository') as { required: string[] }).required;
    this.minimalRepo = Object.fromEntries(keys.map((k) => [k, this.fullRepo[k]]));
  }

  user(login: string): Obj {
    const id = idOf('user', login);
    const { api, web, origin } = this.s.urls;
    const u = `${api}/users/${encodeURIComponent(login)}`;
    return {
      login,
      id,
      node_id: Buffer.from(`04:User${id}`).toString('base64'),
      avatar_url: `${origin}/_avatars/${id}`,
      gravatar_id: '',
      url: u,
      html_url: `${web}/${encodeURIComponent(login)}`,
      followers_url: `${u}/followers`,
      following_url: `${u}/following{/other_user}`,
      gists_url: `${u}/gists{/gist_id}`,
      starred_url: `${u}/starred{/owner}{/repo}`,
      subscriptions_url: `${u}/subscriptions`,
      organizations_url: `${u}/orgs`,
      repos_url: `${u}/repos`,
      events_url: `${u}/events{/privacy}`,
      received_events_url: `${u}/received_events`,
      type: 'User',
      site_admin: false,
    };
  }

  /** An example with GitHub's URLs replaced by the test server's. */
  rewriteUrls<T>(value: T): T {
    const { repoApi, repoWeb, owner, repo } = this.s;
    const text = JSON.stringify(value)
      .replaceAll('https://api.github.com/repos/octocat/Hello-World', repoApi)
      .replaceAll('https://api.github.com/repos/octo-org/octo-repo', repoApi)
      .replaceAll('https://api.github.com', this.s.urls.api)
      .replaceAll('https://github.com/octocat/Hello-World', repoWeb)
      .replaceAll('https://github.com/octo-org/octo-repo', repoWeb)
      .replaceAll('https://github.com', this.s.urls.web)
      .replaceAll('git:github.com/octocat/Hello-World', `git://127.0.0.1/${owner}/${repo}`)
      .replaceAll('git@github.com:octocat/Hello-World', `git@127.0.0.1:${owner}/${repo}`);
    return JSON.parse(text) as T;
  }

  workflow(): Obj {
    const { workflowId, workflowName, workflowPath, repoApi, repoWeb } = this.s;
    return {
      id: workflowId,
      node_id: Buffer.from(`10:Workflow${workflowId}`).toString('base64'),
      name: workflowName,
      path: workflowPath,
      state: this.s.workflowState,
      created_at: '2024-01-08T23:48:37Z',
      updated_at: '2024-01-08T23:50:21Z',
      url: `${repoApi}/actions/workflows/${workflowId}`,
      html_url: `${repoWeb}/blob/main/${workflowPath}`,
      badge_url: `${repoWeb}/workflows/${encodeURIComponent(workflowName)}/badge.svg`,
    };
  }

  run(run: RunRecord): Obj {
    const st = this.s.stateOf(run);
    const r = `${this.s.repoApi}/actions/runs/${run.id}`;
    return {
      id: run.id,
      name: this.s.workflowName,
      node_id: Buffer.from(`11:WorkflowRun${run.id}`).toString('base64'),
      check_suite_id: run.id + 1,
      check_suite_node_id: Buffer.from(`10:CheckSuite${run.id + 1}`).toString('base64'),
      head_branch: run.ref,
      head_sha: run.headSha,
      path: this.s.workflowPath,
      run_number: run.runNumber,
      event: 'workflow_dispatch',
      display_title: run.displayTitle,
      status: st.status,
      conclusion: st.conclusion,
      workflow_id: this.s.workflowId,
      url: r,
      html_url: this.s.runWebUrl(run.id),
      pull_requests: [],
      created_at: iso(run.createdAt),
      updated_at: iso(Math.max(run.createdAt, st.updatedAt)),
      actor: this.user(run.actor),
      run_attempt: 1,
      referenced_workflows: [],
      run_started_at: iso(run.createdAt),
      triggering_actor: this.user(run.actor),
      ...this.runLinks(run, r),
    };
  }

  private runLinks(run: RunRecord, r: string): Obj {
    return {
      jobs_url: `${r}/jobs`,
      logs_url: `${r}/logs`,
      check_suite_url: `${this.s.repoApi}/check-suites/${run.id + 1}`,
      artifacts_url: `${r}/artifacts`,
      cancel_url: `${r}/cancel`,
      rerun_url: `${r}/rerun`,
      previous_attempt_url: null,
      workflow_url: `${this.s.repoApi}/actions/workflows/${this.s.workflowId}`,
      head_commit: {
        id: run.headSha,
        tree_id: sha(`tree:${run.headSha}`),
        message: 'Update infrastructure',
        timestamp: iso(run.createdAt - 60_000),
        author: { name: 'Infra Bot', email: 'infra@example.com' },
        committer: { name: 'GitHub', email: 'noreply@github.com' },
      },
      repository: this.minimalRepo,
      head_repository: this.minimalRepo,
    };
  }

  job(run: RunRecord, job: JobState): Obj {
    const started = job.startedAt ?? run.createdAt;
    const { repoApi } = this.s;
    const queued = job.status === 'queued';
    return {
      id: job.id,
      run_id: run.id,
      run_url: `${repoApi}/actions/runs/${run.id}`,
      run_attempt: 1,
      node_id: Buffer.from(`08:CheckRun${job.id}`).toString('base64'),
      head_sha: run.headSha,
      url: `${repoApi}/actions/jobs/${job.id}`,
      html_url: `${this.s.runWebUrl(run.id)}/job/${job.id}`,
      status: job.status,
      conclusion: job.status === 'completed' ? job.conclusion : null,
      created_at: iso(run.createdAt),
      started_at: iso(Number.isFinite(started) ? started : (job.completedAt ?? run.createdAt)),
      completed_at: job.status === 'completed' ? iso(job.completedAt) : null,
      name: job.name,
      steps: job.steps.map((s) => ({
        name: s.name,
        status: s.status,
        conclusion: s.status === 'completed' ? s.conclusion : null,
        number: s.number,
        started_at: iso(s.startedAt),
        completed_at: s.status === 'completed' ? iso(s.completedAt) : null,
      })),
      check_run_url: `${repoApi}/check-runs/${job.id}`,
      labels: ['ubuntu-latest'],
      runner_id: queued ? null : 7,
      runner_name: queued ? null : 'GitHub Actions 7',
      runner_group_id: queued ? null : 2,
      runner_group_name: queued ? null : 'GitHub Actions',
      workflow_name: this.s.workflowName,
      head_branch: run.ref,
    };
  }
}

/** A job's log as GitHub serves it: timestamped lines, a group per step. */
export function jobLog(run: RunRecord, job: JobState): string {
  const lines: string[] = [];
  for (const st of job.steps) {
    if (st.startedAt === null || st.conclusion === 'skipped') continue;
    const at = new Date(Number.isFinite(st.startedAt) ? st.startedAt : run.createdAt)
      .toISOString()
      .replace('Z', '0000Z');
    lines.push(`${at} ##[group]Run ${st.name}`, `${at} ##[endgroup]`);
    for (const l of st.log) lines.push(`${at} ${l}`);
  }
  return `${lines.join('\n')}\n`;
}
