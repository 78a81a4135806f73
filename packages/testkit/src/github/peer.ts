/**
 * A local GitHub API peer for the infra repository and its deploy workflow. Every request and response is
 * checked against GitHub's official OpenAPI description; violations are recorded and make `stop()` throw,
 * so a test that provoked one fails.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { type LiveRun, liveRunState, type RunExecutor, startExecution } from './executor.js';
import {
  effectiveJobs,
  type JobState,
  type RunConclusionName,
  type RunPlan,
  type RunRecord,
  type RunState,
  runState,
} from './model.js';
import { loadGitHubSpec } from './openapi.js';

export type TokenAccess =
  /** May read the repository and dispatch/cancel workflows (Actions: write). */
  | 'write'
  /** May read the repository and runs, but not dispatch or cancel (403 "Resource not accessible by integration"). */
  | 'read'
  /** Cannot see the repository at all (404 Not Found), like a job's GITHUB_TOKEN on another private repo. */
  | 'none';

export interface TokenSpec {
  login: string;
  access: TokenAccess;
  /** May download job logs (default true for write/read). */
  logs?: boolean;
  /** GET /user works (a user token). false: 403 like an installation token. Default true. */
  user?: boolean;
  /** Installation token (GitHub App / GITHUB_TOKEN): its 403s say "Resource not accessible by integration". Default false. */
  integration?: boolean;
}

export interface GitHubPeerOptions {
  owner?: string;
  repo?: string;
  /** Workflow file name under .github/workflows. Default `deploy.yaml`. */
  workflowFile?: string;
  workflowName?: string;
  workflowId?: number;
  /** Inputs the default workflow declares (all required). Default application, environment. */
  workflowInputs?: readonly string[];
  /** `run-name` of the default workflow; false for none (runs then show the workflow name). */
  runName?: string | false;
  /** Replace the whole workflow file. */
  workflowYaml?: string;
  workflowState?: 'active' | 'disabled_manually';
  branches?: readonly string[];
  tags?: readonly string[];
  /** false: an older GitHub Enterprise that rejects `return_run_details` (with `ghesRejectStatus`). Default true. */
  returnRunDetails?: boolean;
  ghesRejectStatus?: 400 | 422;
  /** Serve the API under this prefix, like GitHub Enterprise's `/api/v3`. Default none. */
  pathPrefix?: string;
  /** The peer's clock (ms). Default Date.now. Share a fake clock with the client for fast tests. */
  clock?: { now(): number };
  /** The server's clock runs this far ahead (positive) or behind (negative) the given clock. */
  clockSkewMs?: number;
  /** The default token's login. Default `deployer`. */
  login?: string;
  /** Extra tokens. The default token (returned as `token`) has write access. */
  tokens?: Record<string, TokenSpec>;
  /** Plan for runs created by dispatches when none is queued with `scenario.nextRun`. */
  defaultRun?: RunPlan;
  /** Primary rate limit per window. Default 5000. */
  rateLimit?: number;
  /** How long after a cancel request the run completes `cancelled`. Default 100 ms. */
  cancelDelayMs?: number;
  /** Send ETags and answer If-None-Match with 304. Default true. */
  etags?: boolean;
  /** Fail `stop()` when a request or response violated the OpenAPI description. Default true. */
  failOnViolation?: boolean;
  /**
   * Execute dispatched runs for real with this hook instead of simulating them (see `RunExecutor`): the run
   * is `queued` for the plan's `queuedMs` (default 200), then `in_progress` with one job whose steps are the
   * hook's `io.step()` calls, then `completed` as the hook concluded. Plans with `simulate: true` are simulated.
   */
  executor?: RunExecutor;
  /** Name of the executed runs' job. Default `deploy`. */
  executorJobName?: string;
}

export interface Fault {
  /** HTTP status to answer with, or `reset` to destroy the connection without an answer. */
  status: number | 'reset';
  /** How many matching requests to fail. Default 1. */
  count?: number;
  /** Only requests whose operationId matches (e.g. `actions/get-workflow-run`). */
  operationId?: string | RegExp;
  method?: string;
  /** Process the request first (e.g. create the run), then fail the answer: an ambiguous failure. */
  afterProcessing?: boolean;
  /** Retry-After header (seconds), for 403/429 secondary rate limits and 503s. */
  retryAfter?: number;
  /** Override the message body. */
  message?: string;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  operationId: string | undefined;
  status: number | 'reset';
  /** Counted against the primary rate limit. */
  counted: boolean;
  at: number;
}

export interface GitHubPeerStats {
  /** All API requests received. */
  requests: number;
  /** Requests that counted against the rate limit (everything but 304 Not Modified). */
  rateLimited: number;
  notModified: number;
  byOperation: Record<string, number>;
  log: RequestLogEntry[];
  /** OpenAPI violations (requests and responses). */
  violations: string[];
  /** Authorization headers seen, for leak checks. */
  dispatches: Array<{
    ref: string;
    inputs: Record<string, string>;
    returnRunDetails: boolean | undefined;
    actor: string;
  }>;
}

export interface InfraRepo {
  owner: string;
  repo: string;
  fullName: string;
  workflowFile: string;
  workflowId: number;
  workflowPath: string;
  /** All runs, oldest first. */
  runs(): RunRecord[];
  run(id: number): RunRecord | undefined;
  /** Status of a run now (server clock). */
  state(id: number): RunState | undefined;
  /** Server time (with skew). */
  now(): number;
  /** Browser URL of a run. */
  runUrl(id: number): string;
  /** Settles when an executed run has completed (immediately for simulated or unknown runs). */
  settled(id: number): Promise<void>;
}

export interface GitHubScenario {
  /** Plan for the next dispatched run(s), in order. */
  nextRun(...plans: RunPlan[]): void;
  /** Fail matching requests. */
  fault(fault: Fault): void;
  /** Secondary rate limit: the next `count` matching requests get 403 (or 429) with Retry-After. */
  secondaryRateLimit(options?: {
    count?: number;
    retryAfter?: number;
    status?: 403 | 429;
    operationId?: string | RegExp;
  }): void;
  /** Exhaust the primary rate limit until `resetInMs` from now. */
  exhaustRateLimit(resetInMs: number): void;
  /** Simulate a dispatch by someone else (or the same login) right now, as GitHub would create it. */
  dispatchAs(
    actor: string,
    request: { ref?: string; inputs: Record<string, string>; plan?: RunPlan },
  ): RunRecord;
  /** Create this competing run at the moment of the next dispatch (same second), before ours. */
  onNextDispatch(
    actor: string,
    request: { ref?: string; inputs: Record<string, string>; plan?: RunPlan },
  ): void;
  approve(runId: number): void;
  setWorkflowState(state: 'active' | 'disabled_manually'): void;
  setWorkflowYaml(yaml: string): void;
  setReturnRunDetails(enabled: boolean): void;
  setClockSkew(ms: number): void;
  /** Execute the runs dispatched from now on with this hook (undefined: simulate them again). */
  setExecutor(executor: RunExecutor | undefined): void;
  /** Add (or replace) a token. */
  addToken(token: string, spec: TokenSpec): void;
}

export interface GitHubPeer {
  /** API base URL (with the path prefix when set): pass as baseUrl / GITHUB_API_URL. */
  url: string;
  /** Origin for browser URLs (html_url). */
  webUrl: string;
  /** A token with write access on the infra repository. */
  token: string;
  infra: InfraRepo;
  scenario: GitHubScenario;
  stats: GitHubPeerStats;
  /** Throws when a request or response violated the OpenAPI description. */
  assertValid(): void;
  stop(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest';

export function defaultWorkflowYaml(
  name: string,
  inputs: readonly string[],
  runName: string | false,
): string {
  const lines = [`name: ${name}`];
  if (runName !== false) lines.push(`run-name: ${runName}`);
  lines.push('on:', '  workflow_dispatch:', '    inputs:');
  for (const input of inputs) lines.push(`      ${input}:`, '        required: true', '        type: string');
  lines.push(
    'jobs:',
    '  deploy:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '      - name: Deploy application',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression
    '        run: ./deploy.sh "${{ inputs.application }}" "${{ inputs.environment }}"',
  );
  return `${lines.join('\n')}\n`;
}

interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Not JSON: sent as is. */
  raw?: string;
  contentType?: string;
}

class HttpReply extends Error {
  constructor(readonly reply: Reply) {
    super(`HTTP ${reply.status}`);
  }
}

function fail(status: number, message: string, extra: Record<string, unknown> = {}): never {
  throw new HttpReply({
    status,
    body: { message, documentation_url: DOCS, status: String(status), ...extra },
  });
}

function iso(ms: number | null): string | null {
  if (ms === null || !Number.isFinite(ms)) return null;
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function sha(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** Starts the peer on 127.0.0.1 with a random port. */
export async function startGitHubPeer(options: GitHubPeerOptions = {}): Promise<GitHubPeer> {
  const spec = await loadGitHubSpec();
  const owner = options.owner ?? 'acme';
  const repo = options.repo ?? 'infra';
  const workflowFile = options.workflowFile ?? 'deploy.yaml';
  const workflowPath = `.github/workflows/${workflowFile}`;
  const workflowId = options.workflowId ?? 161335;
  const workflowName = options.workflowName ?? 'Deploy';
  const prefix = (options.pathPrefix ?? '').replace(/\/$/, '');
  const clock = options.clock ?? { now: () => Date.now() };
  let skew = options.clockSkewMs ?? 0;
  const now = () => clock.now() + skew;
  const cancelDelayMs = options.cancelDelayMs ?? 100;
  const etags = options.etags ?? true;
  let workflowState = options.workflowState ?? 'active';
  let workflowYaml =
    options.workflowYaml ??
    defaultWorkflowYaml(
      workflowName,
      options.workflowInputs ?? ['application', 'environment'],
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression
      options.runName ?? 'Deploy ${{ inputs.application }} to ${{ inputs.environment }}',
    );
  let returnRunDetails = options.returnRunDetails ?? true;
  const branches = new Map<string, string>(
    (options.branches ?? ['main']).map((b) => [b, sha(`branch:${b}`)]),
  );
  const tags = new Map<string, string>((options.tags ?? []).map((t) => [t, sha(`tag:${t}`)]));
  const token = `ghp_${randomBytes(18).toString('hex')}`;
  const tokens = new Map<string, TokenSpec>([
    [token, { login: options.login ?? 'deployer', access: 'write' }],
  ]);
  for (const [t, s] of Object.entries(options.tokens ?? {})) tokens.set(t, s);

  const runs: RunRecord[] = [];
  let executor = options.executor;
  const liveRuns = new Map<number, LiveRun>();
  const stateOf = (run: RunRecord, at = now()): RunState => {
    const live = liveRuns.get(run.id);
    return live ? liveRunState(live) : runState(run, at, cancelDelayMs);
  };
  const planQueue: RunPlan[] = [];
  const competing: Array<{ actor: string; ref?: string; inputs: Record<string, string>; plan?: RunPlan }> =
    [];
  const faults: Array<Fault & { left: number }> = [];
  let nextRunId = 9_000_000_001;
  let nextJobId = 30_000_000_001;
  let nextRunNumber = 1;
  const rate = { limit: options.rateLimit ?? 5000, used: 0, resetAt: now() + 3_600_000 };

  const stats: GitHubPeerStats = {
    requests: 0,
    rateLimited: 0,
    notModified: 0,
    byOperation: {},
    log: [],
    violations: [],
    dispatches: [],
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      stats.violations.push(`peer crashed on ${req.method} ${req.url}: ${String(error)}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'peer error' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  const apiBase = `${origin}${prefix}`;
  const webBase = `${origin}/_web`;
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  // --- object builders (templates from the description's examples) ---------------------------------
  const repoApi = `${apiBase}/repos/${owner}/${repo}`;
  function user(login: string): Record<string, unknown> {
    const id = Number.parseInt(sha(`user:${login}`).slice(0, 7), 16);
    const u = `${apiBase}/users/${encodeURIComponent(login)}`;
    return {
      login,
      id,
      node_id: Buffer.from(`04:User${id}`).toString('base64'),
      avatar_url: `${origin}/_avatars/${id}`,
      gravatar_id: '',
      url: u,
      html_url: `${webBase}/${encodeURIComponent(login)}`,
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
  function rewriteUrls<T>(value: T): T {
    const text = JSON.stringify(value)
      .replaceAll('https://api.github.com/repos/octocat/Hello-World', repoApi)
      .replaceAll('https://api.github.com/repos/octo-org/octo-repo', repoApi)
      .replaceAll('https://api.github.com', apiBase)
      .replaceAll('https://github.com/octocat/Hello-World', `${webBase}/${owner}/${repo}`)
      .replaceAll('https://github.com/octo-org/octo-repo', `${webBase}/${owner}/${repo}`)
      .replaceAll('https://github.com', webBase)
      .replaceAll('git:github.com/octocat/Hello-World', `git://127.0.0.1/${owner}/${repo}`)
      .replaceAll('git@github.com:octocat/Hello-World', `git@127.0.0.1:${owner}/${repo}`);
    return JSON.parse(text) as T;
  }
  const fullRepo = (() => {
    const r = rewriteUrls(spec.example('full-repository') as Record<string, unknown>);
    return {
      ...r,
      id: 4242,
      name: repo,
      full_name: `${owner}/${repo}`,
      owner: user(owner),
      private: true,
      default_branch: [...branches.keys()][0] ?? 'main',
      has_discussions: false,
    };
  })();
  const minimalRepo = (() => {
    const keys = (spec.schemaOf('minimal-repository') as { required: string[] }).required;
    const out: Record<string, unknown> = {};
    for (const k of keys) out[k] = (fullRepo as Record<string, unknown>)[k];
    return out;
  })();
  function workflowJson(): Record<string, unknown> {
    return {
      id: workflowId,
      node_id: Buffer.from(`10:Workflow${workflowId}`).toString('base64'),
      name: workflowName,
      path: workflowPath,
      state: workflowState,
      created_at: '2024-01-08T23:48:37Z',
      updated_at: '2024-01-08T23:50:21Z',
      url: `${repoApi}/actions/workflows/${workflowId}`,
      html_url: `${webBase}/${owner}/${repo}/blob/main/${workflowPath}`,
      badge_url: `${webBase}/${owner}/${repo}/workflows/${encodeURIComponent(workflowName)}/badge.svg`,
    };
  }
  function runJson(run: RunRecord): Record<string, unknown> {
    const st = stateOf(run);
    const r = `${repoApi}/actions/runs/${run.id}`;
    const commitTime = iso(run.createdAt - 60_000);
    return {
      id: run.id,
      name: workflowName,
      node_id: Buffer.from(`11:WorkflowRun${run.id}`).toString('base64'),
      check_suite_id: run.id + 1,
      check_suite_node_id: Buffer.from(`10:CheckSuite${run.id + 1}`).toString('base64'),
      head_branch: run.ref,
      head_sha: run.headSha,
      path: workflowPath,
      run_number: run.runNumber,
      event: 'workflow_dispatch',
      display_title: run.displayTitle,
      status: st.status,
      conclusion: st.conclusion,
      workflow_id: workflowId,
      url: r,
      html_url: `${webBase}/${owner}/${repo}/actions/runs/${run.id}`,
      pull_requests: [],
      created_at: iso(run.createdAt),
      updated_at: iso(Math.max(run.createdAt, st.updatedAt)),
      actor: user(run.actor),
      run_attempt: 1,
      referenced_workflows: [],
      run_started_at: iso(run.createdAt),
      triggering_actor: user(run.actor),
      jobs_url: `${r}/jobs`,
      logs_url: `${r}/logs`,
      check_suite_url: `${repoApi}/check-suites/${run.id + 1}`,
      artifacts_url: `${r}/artifacts`,
      cancel_url: `${r}/cancel`,
      rerun_url: `${r}/rerun`,
      previous_attempt_url: null,
      workflow_url: `${repoApi}/actions/workflows/${workflowId}`,
      head_commit: {
        id: run.headSha,
        tree_id: sha(`tree:${run.headSha}`),
        message: 'Update infrastructure',
        timestamp: commitTime,
        author: { name: 'Infra Bot', email: 'infra@example.com' },
        committer: { name: 'GitHub', email: 'noreply@github.com' },
      },
      repository: minimalRepo,
      head_repository: minimalRepo,
    };
  }
  function jobJson(run: RunRecord, job: JobState): Record<string, unknown> {
    const started = job.startedAt ?? run.createdAt;
    return {
      id: job.id,
      run_id: run.id,
      run_url: `${repoApi}/actions/runs/${run.id}`,
      run_attempt: 1,
      node_id: Buffer.from(`08:CheckRun${job.id}`).toString('base64'),
      head_sha: run.headSha,
      url: `${repoApi}/actions/jobs/${job.id}`,
      html_url: `${webBase}/${owner}/${repo}/actions/runs/${run.id}/job/${job.id}`,
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
      runner_id: job.status === 'queued' ? null : 7,
      runner_name: job.status === 'queued' ? null : 'GitHub Actions 7',
      runner_group_id: job.status === 'queued' ? null : 2,
      runner_group_name: job.status === 'queued' ? null : 'GitHub Actions',
      workflow_name: workflowName,
      head_branch: run.ref,
    };
  }
  function jobLog(run: RunRecord, job: JobState): string {
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

  // --- workflow file -----------------------------------------------------------------------------
  function parsedWorkflow(): {
    dispatch: boolean;
    inputs: Map<string, { required: boolean }>;
    runName?: string;
  } {
    const doc = parseYaml(workflowYaml) as Record<string, unknown> | null;
    const on = doc?.on ?? doc?.true; // YAML 1.1 `on` may parse as true
    let dispatch = false;
    const inputs = new Map<string, { required: boolean }>();
    if (typeof on === 'string') dispatch = on === 'workflow_dispatch';
    else if (Array.isArray(on)) dispatch = on.includes('workflow_dispatch');
    else if (on && typeof on === 'object' && 'workflow_dispatch' in on) {
      dispatch = true;
      const wd = (on as Record<string, unknown>).workflow_dispatch as {
        inputs?: Record<string, { required?: boolean }>;
      } | null;
      for (const [k, v] of Object.entries(wd?.inputs ?? {}))
        inputs.set(k, { required: v?.required === true });
    }
    const runName = typeof doc?.['run-name'] === 'string' ? (doc['run-name'] as string) : undefined;
    return { dispatch, inputs, ...(runName === undefined ? {} : { runName }) };
  }
  function renderTitle(runName: string | undefined, inputs: Record<string, string>): string {
    if (!runName) return workflowName;
    return runName.replace(
      /\$\{\{\s*(?:inputs|github\.event\.inputs)\.([A-Za-z0-9_-]+)\s*\}\}/g,
      (_, k: string) => inputs[k] ?? '',
    );
  }

  function createRun(actor: string, ref: string, inputs: Record<string, string>, plan: RunPlan): RunRecord {
    const wf = parsedWorkflow();
    const execute = executor !== undefined && plan.simulate !== true;
    const jobs = execute ? [{ name: options.executorJobName ?? 'deploy', steps: [] }] : effectiveJobs(plan);
    const run: RunRecord = {
      id: nextRunId++,
      runNumber: nextRunNumber++,
      createdAt: now(),
      actor,
      ref,
      headSha: branches.get(ref) ?? tags.get(ref) ?? sha(ref),
      inputs,
      displayTitle: renderTitle(wf.runName, inputs),
      plan,
      jobs,
      jobIds: jobs.map(() => nextJobId++),
    };
    runs.push(run);
    if (execute && executor) {
      const info = {
        id: run.id,
        runNumber: run.runNumber,
        inputs: { ...inputs },
        ref,
        actor,
        displayTitle: run.displayTitle,
        htmlUrl: `${webBase}/${owner}/${repo}/actions/runs/${run.id}`,
      };
      liveRuns.set(
        run.id,
        startExecution(info, executor, {
          now,
          queuedMs: plan.queuedMs ?? 200,
          jobId: run.jobIds[0] ?? nextJobId++,
          jobName: options.executorJobName ?? 'deploy',
        }),
      );
    }
    return run;
  }

  // --- request handling ------------------------------------------------------------------------
  function rateHeaders(): Record<string, string> {
    if (now() >= rate.resetAt) {
      rate.used = 0;
      rate.resetAt = now() + 3_600_000;
    }
    return {
      'x-ratelimit-limit': String(rate.limit),
      'x-ratelimit-remaining': String(Math.max(0, rate.limit - rate.used)),
      'x-ratelimit-reset': String(Math.ceil(rate.resetAt / 1000)),
      'x-ratelimit-used': String(rate.used),
      'x-ratelimit-resource': 'core',
    };
  }

  function authenticate(header: string | undefined): TokenSpec & { token: string } {
    if (!header) fail(401, 'Requires authentication');
    const m = /^(?:token|bearer)\s+(\S+)$/i.exec(header);
    const spec = m?.[1] ? tokens.get(m[1]) : undefined;
    if (!m?.[1] || !spec) fail(401, 'Bad credentials');
    return { ...spec, token: m[1] };
  }

  function forbidden(who: TokenSpec): never {
    fail(
      403,
      who.integration === false || who.integration === undefined
        ? 'Resource not accessible by personal access token'
        : 'Resource not accessible by integration',
    );
  }

  async function readBody(req: http.IncomingMessage): Promise<string> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }

  function takeFault(
    operationId: string | undefined,
    method: string,
  ): (Fault & { left: number }) | undefined {
    for (const f of faults) {
      if (f.left <= 0) continue;
      if (f.method && f.method.toUpperCase() !== method) continue;
      if (f.operationId !== undefined) {
        if (!operationId) continue;
        if (
          typeof f.operationId === 'string' ? f.operationId !== operationId : !f.operationId.test(operationId)
        )
          continue;
      }
      f.left--;
      return f;
    }
    return undefined;
  }

  function faultReply(f: Fault): Reply {
    const status = f.status as number;
    const headers: Record<string, string> = {};
    if (f.retryAfter !== undefined) headers['retry-after'] = String(f.retryAfter);
    if (status === 403 || status === 429) {
      return {
        status,
        headers,
        body: {
          message:
            f.message ??
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.',
          documentation_url:
            'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
          status: String(status),
        },
      };
    }
    if (status >= 500) {
      // GitHub's proxies answer 502/504 with an HTML page, not JSON.
      return {
        status,
        headers,
        raw: `<!DOCTYPE html><html><head><title>Unicorn! · GitHub</title></head><body>${f.message ?? 'We had issues producing the response to your request.'}</body></html>`,
        contentType: 'text/html; charset=utf-8',
      };
    }
    return { status, headers, body: { message: f.message ?? 'Injected failure', documentation_url: DOCS } };
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    const method = (req.method ?? 'GET').toUpperCase();
    // Log download target (a "signed" URL on another path, like GitHub's blob storage): not the API.
    if (url.pathname.startsWith('/_logs/')) {
      const m = /^\/_logs\/(\d+)\/(\d+)$/.exec(url.pathname);
      const run = m ? runs.find((r) => r.id === Number(m[1])) : undefined;
      const st = run ? stateOf(run) : undefined;
      const job = st?.jobs.find((j) => j.id === Number(m?.[2]));
      if (!run || !job || url.searchParams.get('sig') !== sha(`log:${job.id}`)) {
        res.writeHead(403, { 'content-type': 'application/xml' });
        res.end('<Error><Code>AuthenticationFailed</Code></Error>');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(jobLog(run, job));
      return;
    }
    if (prefix && !url.pathname.startsWith(`${prefix}/`)) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not an API path');
      return;
    }
    let path = url.pathname.slice(prefix.length) || '/';
    // contents/{path} may arrive with literal slashes: match it as one parameter.
    const contents = /^(\/repos\/[^/]+\/[^/]+\/contents\/)(.+)$/.exec(path);
    if (contents?.[1] && contents[2])
      path = contents[1] + encodeURIComponent(decodeURIComponent(contents[2]));
    const op = spec.match(method, path);
    stats.requests++;
    const bodyText = await readBody(req);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    const query: Record<string, string | string[]> = {};
    for (const k of new Set(url.searchParams.keys())) {
      const all = url.searchParams.getAll(k);
      query[k] = all.length > 1 ? all : (all[0] ?? '');
    }
    let body: unknown;
    if (bodyText) {
      try {
        body = JSON.parse(bodyText);
      } catch {
        stats.violations.push(`${method} ${path}: body is not JSON`);
      }
    }
    const entry: RequestLogEntry = {
      method,
      path,
      operationId: op?.operationId,
      status: 0,
      counted: true,
      at: now(),
    };
    stats.log.push(entry);
    if (op) stats.byOperation[op.operationId] = (stats.byOperation[op.operationId] ?? 0) + 1;

    let reply: Reply;
    let destroyAfter = false;
    try {
      if (!op) fail(404, 'Not Found');
      const problem = spec.validateRequest({ method, path, query, headers, body }, op.operationId);
      if (problem) {
        stats.violations.push(
          `request ${method} ${path} (${op.operationId}) violates the description: ${problem}`,
        );
        fail(422, `Invalid request.\n\n${problem}`);
      }
      const fault = takeFault(op.operationId, method);
      if (fault && !fault.afterProcessing) {
        if (fault.status === 'reset') {
          entry.status = 'reset';
          req.socket.destroy();
          return;
        }
        throw new HttpReply(faultReply(fault));
      }
      const who = authenticate(headers.authorization);
      if (rate.used >= rate.limit && now() < rate.resetAt) {
        throw new HttpReply({
          status: 403,
          body: {
            message: `API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID.`,
            documentation_url:
              'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-primary-rate-limits',
          },
        });
      }
      rate.used++;
      reply = route(op.operationId, path, method, query, body, who);
      if (fault?.afterProcessing) {
        if (fault.status === 'reset') destroyAfter = true;
        else reply = faultReply(fault);
      }
    } catch (error) {
      if (!(error instanceof HttpReply)) throw error;
      reply = error.reply;
    }
    if (destroyAfter) {
      entry.status = 'reset';
      req.socket.destroy();
      return;
    }

    // Conditional requests: 304 does not count against the rate limit.
    const outHeaders: Record<string, string> = {
      date: new Date(now()).toUTCString(),
      ...rateHeaders(),
      ...(reply.headers ?? {}),
    };
    let status = reply.status;
    let payload: string | undefined;
    if (reply.raw !== undefined) payload = reply.raw;
    else if (reply.body !== undefined) payload = JSON.stringify(reply.body);
    if (status === 200 && method === 'GET' && payload !== undefined && etags) {
      const etag = `W/"${sha(payload)}"`;
      outHeaders.etag = etag;
      if (headers['if-none-match'] === etag) {
        status = 304;
        payload = undefined;
        if (rate.used > 0) rate.used--;
        Object.assign(outHeaders, rateHeaders());
      }
    }
    entry.status = status;
    entry.counted = status !== 304;
    if (status === 304) stats.notModified++;
    else stats.rateLimited++;

    if (op && reply.raw === undefined) {
      const problem = spec.validateResponse(op.operationId, status, status === 304 ? undefined : reply.body);
      if (problem)
        stats.violations.push(
          `response ${status} to ${method} ${path} (${op.operationId}) violates the description: ${problem}`,
        );
    }
    if (payload !== undefined)
      outHeaders['content-type'] = reply.contentType ?? 'application/json; charset=utf-8';
    res.writeHead(status, outHeaders);
    res.end(payload);
  }

  function requireRepo(o: string, r: string, who: TokenSpec): void {
    if (who.access === 'none') fail(404, 'Not Found');
    if (o.toLowerCase() !== owner.toLowerCase() || r.toLowerCase() !== repo.toLowerCase())
      fail(404, 'Not Found');
  }

  function findWorkflow(id: string): void {
    if (id !== String(workflowId) && id !== workflowFile) fail(404, 'Not Found');
  }

  function route(
    operationId: string,
    path: string,
    _method: string,
    query: Record<string, string | string[]>,
    body: unknown,
    who: TokenSpec & { token: string },
  ): Reply {
    const seg = path.split('/').map((s) => decodeURIComponent(s));
    const [, , o = '', r = ''] = seg;
    switch (operationId) {
      case 'users/get-authenticated': {
        if (who.user === false) forbidden({ ...who, integration: true });
        const u = user(who.login);
        const priv = rewriteUrls(
          spec.example('private-user-response-with-public-and-private-profile-information') as Record<
            string,
            unknown
          >,
        );
        return { status: 200, body: { ...priv, ...u, name: who.login, user_view_type: 'private' } };
      }
      case 'rate-limit/get': {
        const h = rateHeaders();
        const core = {
          limit: rate.limit,
          remaining: Number(h['x-ratelimit-remaining']),
          reset: Number(h['x-ratelimit-reset']),
          used: rate.used,
        };
        return { status: 200, body: { resources: { core, search: core }, rate: core } };
      }
      case 'repos/get':
        requireRepo(o, r, who);
        return {
          status: 200,
          body: {
            ...fullRepo,
            permissions: {
              admin: false,
              maintain: false,
              push: who.access === 'write',
              triage: true,
              pull: true,
            },
          },
        };
      case 'actions/get-workflow':
        requireRepo(o, r, who);
        findWorkflow(seg[6] ?? '');
        return { status: 200, body: workflowJson() };
      case 'repos/get-content': {
        requireRepo(o, r, who);
        const p = seg.slice(5).join('/');
        const ref = typeof query.ref === 'string' ? query.ref : undefined;
        if (ref !== undefined && !branches.has(ref) && !tags.has(ref))
          fail(404, `No commit found for the ref ${ref}`);
        if (p !== workflowPath) fail(404, 'Not Found');
        const content = Buffer.from(workflowYaml)
          .toString('base64')
          .replace(/(.{60})/g, '$1\n');
        const s = sha(`blob:${workflowYaml}`);
        const u = `${repoApi}/contents/${workflowPath}?ref=${ref ?? 'main'}`;
        return {
          status: 200,
          body: {
            type: 'file',
            encoding: 'base64',
            size: Buffer.byteLength(workflowYaml),
            name: workflowFile,
            path: workflowPath,
            content,
            sha: s,
            url: u,
            git_url: `${repoApi}/git/blobs/${s}`,
            html_url: `${webBase}/${owner}/${repo}/blob/${ref ?? 'main'}/${workflowPath}`,
            download_url: `${origin}/_raw/${owner}/${repo}/${ref ?? 'main'}/${workflowPath}`,
            _links: {
              self: u,
              git: `${repoApi}/git/blobs/${s}`,
              html: `${webBase}/${owner}/${repo}/blob/main/${workflowPath}`,
            },
          },
        };
      }
      case 'repos/get-branch': {
        requireRepo(o, r, who);
        const name = seg.slice(5).join('/');
        const head = branches.get(name);
        if (!head) fail(404, 'Branch not found');
        const b = rewriteUrls(
          spec.example('branch-get') as Record<string, unknown> & { commit: Record<string, unknown> },
        );
        return { status: 200, body: { ...b, name, commit: { ...b.commit, sha: head } } };
      }
      case 'git/get-ref': {
        requireRepo(o, r, who);
        const ref = seg.slice(6).join('/');
        const m = /^(heads|tags)\/(.+)$/.exec(ref);
        const head =
          m?.[1] === 'heads'
            ? branches.get(m[2] ?? '')
            : m?.[1] === 'tags'
              ? tags.get(m[2] ?? '')
              : undefined;
        if (!head) fail(404, 'Not Found');
        return {
          status: 200,
          body: {
            ref: `refs/${ref}`,
            node_id: Buffer.from(`03:Ref${ref}`).toString('base64'),
            url: `${repoApi}/git/refs/${ref}`,
            object: { type: 'commit', sha: head, url: `${repoApi}/git/commits/${head}` },
          },
        };
      }
      case 'actions/create-workflow-dispatch': {
        requireRepo(o, r, who);
        findWorkflow(seg[6] ?? '');
        if (who.access !== 'write') forbidden(who);
        const b = (body ?? {}) as {
          ref: string;
          inputs?: Record<string, unknown>;
          return_run_details?: boolean;
        };
        if (b.return_run_details !== undefined && !returnRunDetails) {
          const status = options.ghesRejectStatus ?? 422;
          fail(
            status,
            status === 422
              ? 'Invalid request.\n\n"return_run_details" is not a permitted key.'
              : 'Problems parsing JSON',
          );
        }
        if (workflowState !== 'active')
          fail(422, "Cannot trigger a 'workflow_dispatch' on a disabled workflow");
        const ref = b.ref.replace(/^refs\/(heads|tags)\//, '');
        if (!branches.has(ref) && !tags.has(ref)) fail(422, `No ref found for: ${b.ref}`);
        const wf = parsedWorkflow();
        if (!wf.dispatch) fail(422, "Workflow does not have 'workflow_dispatch' trigger");
        const inputs: Record<string, string> = {};
        for (const [k, v] of Object.entries(b.inputs ?? {})) inputs[k] = String(v);
        const unexpected = Object.keys(inputs).filter((k) => !wf.inputs.has(k));
        if (unexpected.length > 0) fail(422, `Unexpected inputs provided: ${JSON.stringify(unexpected)}`);
        for (const [k, v] of wf.inputs)
          if (v.required && !(k in inputs)) fail(422, `Required input '${k}' not provided`);
        for (const c of competing.splice(0))
          createRun(c.actor, c.ref ?? ref, c.inputs, c.plan ?? options.defaultRun ?? {});
        const plan = planQueue.shift() ?? options.defaultRun ?? {};
        const run = createRun(who.login, ref, inputs, plan);
        stats.dispatches.push({
          ref: b.ref,
          inputs,
          returnRunDetails: b.return_run_details,
          actor: who.login,
        });
        if (b.return_run_details === true) {
          return {
            status: 200,
            body: {
              workflow_run_id: run.id,
              run_url: `${repoApi}/actions/runs/${run.id}`,
              html_url: `${webBase}/${owner}/${repo}/actions/runs/${run.id}`,
            },
          };
        }
        return { status: 204 };
      }
      case 'actions/list-workflow-runs': {
        requireRepo(o, r, who);
        findWorkflow(seg[6] ?? '');
        const q = (k: string) => (typeof query[k] === 'string' ? (query[k] as string) : undefined);
        const t = now();
        let list = runs.filter((run) => t >= run.createdAt + (run.plan.listDelayMs ?? 0));
        const actor = q('actor');
        if (actor) list = list.filter((run) => run.actor.toLowerCase() === actor.toLowerCase());
        const branch = q('branch');
        if (branch) list = list.filter((run) => run.ref === branch);
        const event = q('event');
        if (event && event !== 'workflow_dispatch') list = [];
        const headSha = q('head_sha');
        if (headSha) list = list.filter((run) => run.headSha === headSha);
        const status = q('status');
        if (status) {
          list = list.filter((run) => {
            const st = stateOf(run, t);
            return st.status === status || st.conclusion === status;
          });
        }
        const created = q('created');
        if (created)
          list = list.filter((run) => matchesCreated(created, Math.floor(run.createdAt / 1000) * 1000));
        list = [...list].sort((a, b) => b.createdAt - a.createdAt || b.id - a.id);
        const perPage = Math.min(100, Number(q('per_page') ?? 30));
        const page = Math.max(1, Number(q('page') ?? 1));
        const slice = list.slice((page - 1) * perPage, page * perPage);
        return { status: 200, body: { total_count: list.length, workflow_runs: slice.map(runJson) } };
      }
      case 'actions/get-workflow-run': {
        requireRepo(o, r, who);
        const run = runs.find((x) => x.id === Number(seg[6]));
        if (!run) fail(404, 'Not Found');
        return { status: 200, body: runJson(run) };
      }
      case 'actions/list-jobs-for-workflow-run': {
        requireRepo(o, r, who);
        const run = runs.find((x) => x.id === Number(seg[6]));
        if (!run) fail(404, 'Not Found');
        const st = stateOf(run);
        const visible = st.status === 'in_progress' || st.status === 'completed' ? st.jobs : [];
        return {
          status: 200,
          body: { total_count: visible.length, jobs: visible.map((j) => jobJson(run, j)) },
        };
      }
      case 'actions/download-job-logs-for-workflow-run': {
        requireRepo(o, r, who);
        if (who.logs === false) forbidden(who);
        const jobId = Number(seg[6]);
        const run = runs.find((x) => x.jobIds.includes(jobId));
        if (!run) fail(404, 'Not Found');
        return {
          status: 302,
          headers: { location: `${origin}/_logs/${run.id}/${jobId}?sig=${sha(`log:${jobId}`)}` },
        };
      }
      case 'actions/cancel-workflow-run': {
        requireRepo(o, r, who);
        const run = runs.find((x) => x.id === Number(seg[6]));
        if (!run) fail(404, 'Not Found');
        if (who.access !== 'write') forbidden(who);
        const st = stateOf(run);
        if (st.status === 'completed') fail(409, 'Cannot cancel a workflow run that is completed.');
        run.cancelRequestedAt ??= now();
        liveRuns.get(run.id)?.cancel();
        return { status: 202, body: {} };
      }
      case 'actions/get-pending-deployments-for-run': {
        requireRepo(o, r, who);
        const run = runs.find((x) => x.id === Number(seg[6]));
        if (!run) fail(404, 'Not Found');
        const st = stateOf(run);
        const approval = run.plan.approval;
        if (st.status !== 'waiting' || !approval) return { status: 200, body: [] };
        const envId = Number.parseInt(sha(`env:${approval.environment}`).slice(0, 7), 16);
        return {
          status: 200,
          body: [
            {
              environment: {
                id: envId,
                node_id: Buffer.from(`11:Environment${envId}`).toString('base64'),
                name: approval.environment,
                url: `${repoApi}/environments/${encodeURIComponent(approval.environment)}`,
                html_url: `${webBase}/${owner}/${repo}/deployments/activity_log?environments_filter=${encodeURIComponent(approval.environment)}`,
              },
              wait_timer: 0,
              wait_timer_started_at: iso(st.waitingSince ?? run.createdAt),
              current_user_can_approve: false,
              reviewers: approval.reviewers.map((name) =>
                name.startsWith('@')
                  ? {
                      type: 'Team',
                      reviewer: {
                        id: Number.parseInt(sha(`team:${name}`).slice(0, 6), 16),
                        node_id: Buffer.from(`04:Team${name}`).toString('base64'),
                        url: `${apiBase}/teams/${name.slice(1)}`,
                        html_url: `${webBase}/orgs/${owner}/teams/${name.slice(1)}`,
                        name: name.slice(1),
                        slug: name.slice(1),
                        description: null,
                        privacy: 'closed',
                        notification_setting: 'notifications_enabled',
                        permission: 'pull',
                        members_url: `${apiBase}/teams/${name.slice(1)}/members{/member}`,
                        repositories_url: `${apiBase}/teams/${name.slice(1)}/repos`,
                        parent: null,
                        type: 'organization',
                      },
                    }
                  : { type: 'User', reviewer: user(name) },
              ),
            },
          ],
        };
      }
      default:
        fail(404, `Not Found (the testkit peer does not implement ${operationId})`);
    }
  }

  const infra: InfraRepo = {
    owner,
    repo,
    fullName: `${owner}/${repo}`,
    workflowFile,
    workflowId,
    workflowPath,
    runs: () => [...runs],
    run: (id) => runs.find((r) => r.id === id),
    state: (id) => {
      const run = runs.find((r) => r.id === id);
      return run ? stateOf(run) : undefined;
    },
    now,
    runUrl: (id) => `${webBase}/${owner}/${repo}/actions/runs/${id}`,
    settled: async (id) => {
      await liveRuns.get(id)?.done;
    },
  };

  const scenario: GitHubScenario = {
    nextRun: (...plans) => {
      planQueue.push(...plans);
    },
    fault: (f) => {
      faults.push({ ...f, left: f.count ?? 1 });
    },
    secondaryRateLimit: (o = {}) => {
      faults.push({
        status: o.status ?? 403,
        left: o.count ?? 1,
        retryAfter: o.retryAfter ?? 1,
        ...(o.operationId === undefined ? {} : { operationId: o.operationId }),
      });
    },
    exhaustRateLimit: (resetInMs) => {
      rate.used = rate.limit;
      rate.resetAt = now() + resetInMs;
    },
    dispatchAs: (actor, request) =>
      createRun(actor, request.ref ?? 'main', request.inputs, request.plan ?? options.defaultRun ?? {}),
    onNextDispatch: (actor, request) => {
      competing.push({ actor, ...request });
    },
    approve: (runId) => {
      const run = runs.find((r) => r.id === runId);
      if (!run) throw new Error(`no run ${runId}`);
      run.approvedAt = now();
    },
    setWorkflowState: (s) => {
      workflowState = s;
    },
    setWorkflowYaml: (y) => {
      workflowYaml = y;
    },
    setReturnRunDetails: (enabled) => {
      returnRunDetails = enabled;
    },
    setClockSkew: (ms) => {
      skew = ms;
    },
    setExecutor: (hook) => {
      executor = hook;
    },
    addToken: (t, s) => {
      tokens.set(t, s);
    },
  };

  const failOnViolation = options.failOnViolation ?? true;
  const assertValid = () => {
    if (stats.violations.length > 0) {
      throw new Error(
        `GitHub peer saw ${stats.violations.length} OpenAPI violation(s):\n${stats.violations.join('\n')}`,
      );
    }
  };

  return {
    url: apiBase,
    webUrl: webBase,
    token,
    infra,
    scenario,
    stats,
    assertValid,
    stop: async () => {
      // Executed runs still going are cancelled (their processes killed) before the server goes.
      const going = [...liveRuns.values()].filter((live) => live.status !== 'completed');
      for (const live of going) live.cancel();
      await Promise.race([
        Promise.all(going.map((live) => live.done)),
        new Promise((resolve) => setTimeout(resolve, 5000).unref()),
      ]);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
      if (failOnViolation) assertValid();
    },
  };
}

/** GitHub's `created` filter: `>=T`, `>T`, `<=T`, `<T`, `T..T`, or a date. */
function matchesCreated(filter: string, createdMs: number): boolean {
  const range = /^(.+)\.\.(.+)$/.exec(filter);
  const parse = (s: string) => (s === '*' ? Number.NaN : Date.parse(s));
  if (range?.[1] && range[2]) {
    const a = parse(range[1]);
    const b = parse(range[2]);
    return (Number.isNaN(a) || createdMs >= a) && (Number.isNaN(b) || createdMs <= b);
  }
  const m = /^(>=|<=|>|<)?(.+)$/.exec(filter);
  const t = Date.parse(m?.[2] ?? '');
  if (Number.isNaN(t)) return true;
  switch (m?.[1]) {
    case '>=':
      return createdMs >= t;
    case '>':
      return createdMs > t;
    case '<=':
      return createdMs <= t;
    case '<':
      return createdMs < t;
    default:
      return createdMs >= t && createdMs < t + 86_400_000;
  }
}

export type { RunConclusionName, RunPlan };
