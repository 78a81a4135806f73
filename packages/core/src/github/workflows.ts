/**
 * `InfraWorkflows` over the GitHub REST API (Octokit with retry and throttling).
 * Loaded lazily by `createGitHubWorkflows`.
 */
import { HostingError, InterruptedError, PreconditionError, RemoteError, TimeoutError } from '../errors.js';
import type {
  Clock,
  FailedJob,
  InfraWorkflows,
  RunRef,
  RunResult,
  RunStatus,
  RunSummary,
  RunUpdate,
  WaitOptions,
  WorkflowInfo,
  WorkflowTarget,
} from '../ports.js';
import { createClient, type GitHubClient } from './client.js';
import {
  type FailureContext,
  gitHubError,
  type HttpFailure,
  httpFailure,
  isRateLimited,
  isTransient,
  safeCause,
} from './errors.js';
import type { GitHubTuning, GitHubWorkflowsOptions } from './index.js';
import { expectedRunTitle, readWorkflowFile, type WorkflowFileFacts } from './workflow-file.js';

interface ApiRun {
  id: number;
  run_number?: number;
  status: string | null;
  conclusion: string | null;
  html_url: string;
  created_at: string;
  display_title?: string;
  event?: string;
  head_branch?: string | null;
  actor?: { login: string } | null;
  triggering_actor?: { login: string } | null;
}

interface ApiJob {
  id: number;
  name: string;
  html_url: string | null;
  status: string;
  conclusion: string | null;
  steps?: Array<{ name: string; status: string; conclusion: string | null; number: number }>;
}

type Tuning = { [K in keyof GitHubTuning]-?: number };

const DEFAULT_TUNING: Tuning = {
  retries: 3,
  retryAfterBaseValue: 1000,
  writeMinTimeMs: 1000,
  requestTimeoutMs: 30_000,
  findRunTimeoutMs: 60_000,
  findAfterFailureMs: 20_000,
  jobsIntervalMs: 10_000,
  maxRateLimitWaitS: 60,
  runNotFoundGraceMs: 60_000,
  logTailLines: 15,
};

/** Poll interval for the run: short at first, growing for long runs; longer when ETags do not save requests. */
export function pollInterval(elapsedMs: number, conditional: boolean): number {
  const base =
    elapsedMs < 10_000
      ? 1000
      : elapsedMs < 120_000
        ? 2000
        : elapsedMs < 600_000
          ? 5000
          : elapsedMs < 1_800_000
            ? 10_000
            : 20_000;
  return conditional ? base : Math.max(5000, Math.round(base * 2.5));
}

export function formatElapsed(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h ${m}m ${sec}s`;
  if (m > 0) return `${m}m ${sec}s`;
  return `${sec}s`;
}

const NOT_FAILED = new Set(['success', 'skipped', 'neutral']);

/** The last lines of a job log up to its last `##[error]`, timestamps removed. */
export function logTail(log: string, lines: number, redact: (s: string) => string): string[] {
  const all = log
    .split(/\r?\n/)
    .map((l) => l.replace(/^\uFEFF?\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?/, ''))
    .filter((l) => l.trim() !== '' && l !== '##[endgroup]');
  let end = all.length;
  for (let i = all.length - 1; i >= 0; i--) {
    if (all[i]?.startsWith('##[error]')) {
      end = i + 1;
      break;
    }
  }
  return all
    .slice(Math.max(0, end - lines), end)
    .map((l) => redact(l.length > 300 ? `${l.slice(0, 297)}...` : l));
}

export class GitHubWorkflows implements InfraWorkflows {
  private readonly client: GitHubClient;
  private readonly clock: Clock;
  private readonly baseUrl: string;
  private readonly tuning: Tuning;
  private readonly log: (message: string) => void;
  private readonly token: string;
  /** Server clock minus ours, from Date headers (a lower bound: Date has whole seconds). */
  private serverSkewMs: number | undefined;
  /** false once the server rejected `return_run_details` (older GitHub Enterprise). */
  private supportsRunDetails: boolean | undefined;
  private loginPromise: Promise<string | undefined> | undefined;
  private readonly facts = new Map<string, WorkflowFileFacts | undefined>();
  private readonly runRepos = new Map<number, { owner: string; repo: string }>();

  constructor(options: GitHubWorkflowsOptions & { clock: Clock; baseUrl: string }) {
    this.clock = options.clock;
    this.baseUrl = options.baseUrl;
    this.token = options.token;
    this.tuning = { ...DEFAULT_TUNING, ...(stripUndefined(options.tuning ?? {}) as Partial<Tuning>) };
    const sink = options.log ?? (() => {});
    this.log = (m) => sink(this.redact(m));
    this.client = createClient({
      token: options.token,
      baseUrl: options.baseUrl,
      userAgent: options.userAgent ?? 'shared-hosting-deploy',
      warn: this.log,
      retries: this.tuning.retries,
      retryAfterBaseValue: this.tuning.retryAfterBaseValue,
      rateLimitRetries: 3,
      maxRateLimitWaitS: this.tuning.maxRateLimitWaitS,
      writeMinTimeMs: this.tuning.writeMinTimeMs,
    });
    const noteDate = (headers: Record<string, unknown> | undefined) => {
      const date = headers?.date;
      if (typeof date !== 'string') return;
      const server = Date.parse(date);
      if (Number.isNaN(server)) return;
      const estimate = server - this.clock.now();
      this.serverSkewMs = this.serverSkewMs === undefined ? estimate : Math.max(this.serverSkewMs, estimate);
    };
    this.client.hook.after('request', (response) => noteDate(response.headers as Record<string, unknown>));
    this.client.hook.error('request', (error) => {
      noteDate((error as { response?: { headers?: Record<string, unknown> } }).response?.headers);
      throw error;
    });
  }

  private redact(text: string): string {
    return this.token.length >= 4 ? text.split(this.token).join('***') : text;
  }

  private signal(outer?: AbortSignal): AbortSignal {
    const t = AbortSignal.timeout(this.tuning.requestTimeoutMs);
    return outer ? AbortSignal.any([outer, t]) : t;
  }

  private ctx(target: { owner: string; repo: string; workflow?: string }, action: string): FailureContext {
    return {
      action,
      repo: `${target.owner}/${target.repo}`,
      baseUrl: this.baseUrl,
      workflow: target.workflow,
    };
  }

  private static workflowId(workflow: string): string | number {
    return /^\d+$/.test(workflow) ? Number(workflow) : workflow;
  }

  private static factsKey(t: WorkflowTarget): string {
    return `${t.owner}/${t.repo}/${t.workflow}@${t.ref}`.toLowerCase();
  }

  // --- preflight --------------------------------------------------------------------------------

  async preflight(target: WorkflowTarget): Promise<WorkflowInfo> {
    const { owner, repo } = target;
    const full = `${owner}/${repo}`;
    try {
      await this.client.rest.repos.get({ owner, repo, request: { signal: this.signal() } });
    } catch (error) {
      throw gitHubError(error, this.ctx(target, `read repository ${full}`));
    }
    let wf: { id: number; name: string; path: string; state: string; html_url: string };
    try {
      wf = (
        await this.client.rest.actions.getWorkflow({
          owner,
          repo,
          workflow_id: GitHubWorkflows.workflowId(target.workflow),
          request: { signal: this.signal() },
        })
      ).data;
    } catch (error) {
      if (httpFailure(error).status === 404) {
        throw new PreconditionError(
          'WORKFLOW_NOT_FOUND',
          `Workflow "${target.workflow}" was not found in ${full}.`,
          {
            fix: `Check --infra-workflow / infra-workflow (a file name under .github/workflows, e.g. deploy.yaml). The workflow must exist on the default branch of ${full}.`,
            cause: safeCause(httpFailure(error)),
            details: { repository: full, workflow: target.workflow },
          },
        );
      }
      throw gitHubError(error, this.ctx(target, `read workflow ${target.workflow} in ${full}`));
    }
    if (wf.state !== 'active') {
      throw new PreconditionError(
        'WORKFLOW_DISABLED',
        `Workflow "${wf.name}" (${wf.path}) in ${full} is disabled (state: ${wf.state}), so it cannot be dispatched.`,
        {
          fix: `Enable it in the Actions tab of ${full}, or run: gh workflow enable ${target.workflow} -R ${full}`,
          details: { repository: full, workflow: target.workflow, state: wf.state },
        },
      );
    }
    await this.checkRef(target);
    const facts = await this.readFacts(target, wf.path);
    if (facts) checkInputs(facts, target, wf.path);
    return { id: wf.id, name: wf.name, path: wf.path, htmlUrl: wf.html_url };
  }

  private async checkRef(target: WorkflowTarget): Promise<void> {
    const ref = target.ref.replace(/^refs\//, '');
    const { owner, repo } = target;
    // A branch (the usual case) first, then refs/heads and refs/tags through the git refs API.
    const lookups: Array<() => Promise<unknown>> = [];
    if (!/^(heads|tags)\//.test(ref)) {
      lookups.push(() =>
        this.client.rest.repos.getBranch({ owner, repo, branch: ref, request: { signal: this.signal() } }),
      );
    }
    for (const candidate of /^(heads|tags)\//.test(ref) ? [ref] : [`heads/${ref}`, `tags/${ref}`]) {
      lookups.push(() =>
        this.client.rest.git.getRef({ owner, repo, ref: candidate, request: { signal: this.signal() } }),
      );
    }
    for (const lookup of lookups) {
      try {
        await lookup();
        return;
      } catch (error) {
        const f = httpFailure(error);
        if (f.status !== 404 && f.status !== 409)
          throw gitHubError(error, this.ctx(target, `read ref ${target.ref}`));
      }
    }
    throw new PreconditionError(
      'REF_NOT_FOUND',
      `Ref "${target.ref}" (a branch or tag) does not exist in ${target.owner}/${target.repo}.`,
      {
        fix: 'Check --infra-ref / infra-ref: the branch or tag of the infra repository whose workflow file to run (default main).',
        details: { repository: `${target.owner}/${target.repo}`, ref: target.ref },
      },
    );
  }

  /** The workflow file at the ref: trigger, inputs, run-name. Undefined when the token may not read it. */
  private async readFacts(
    target: WorkflowTarget,
    path: string | undefined,
  ): Promise<WorkflowFileFacts | undefined> {
    const key = GitHubWorkflows.factsKey(target);
    if (this.facts.has(key)) return this.facts.get(key);
    let filePath = path;
    try {
      if (!filePath) {
        filePath = (
          await this.client.rest.actions.getWorkflow({
            owner: target.owner,
            repo: target.repo,
            workflow_id: GitHubWorkflows.workflowId(target.workflow),
            request: { signal: this.signal() },
          })
        ).data.path;
      }
      const res = await this.client.rest.repos.getContent({
        owner: target.owner,
        repo: target.repo,
        path: filePath,
        ref: target.ref,
        request: { signal: this.signal() },
      });
      const data = res.data as { type?: string; content?: string; encoding?: string };
      if (data.type !== 'file' || typeof data.content !== 'string') {
        this.facts.set(key, undefined);
        return undefined;
      }
      const text = Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8');
      let facts: WorkflowFileFacts;
      try {
        facts = readWorkflowFile(text);
      } catch (error) {
        throw new PreconditionError(
          'WORKFLOW_INVALID',
          `Workflow file ${filePath} in ${target.owner}/${target.repo}@${target.ref} is not valid YAML.`,
          { fix: 'Fix the workflow file in the infra repository.', cause: error },
        );
      }
      this.facts.set(key, facts);
      return facts;
    } catch (error) {
      if (error instanceof HostingError) throw error;
      const f = httpFailure(error);
      // 404: the file is not on that ref, or the server does not serve contents; 403: no Contents: read.
      // Either way GitHub checks at dispatch, and its 422 is explained there.
      if (f.status === 403 || f.status === 404) {
        this.log(
          `Could not read ${filePath ?? target.workflow} (HTTP ${f.status}): its trigger and inputs are checked at dispatch instead. Grant Contents: read to check them earlier.`,
        );
        this.facts.set(key, undefined);
        return undefined;
      }
      throw gitHubError(error, this.ctx(target, `read the workflow file of ${target.workflow}`));
    }
  }

  private login(): Promise<string | undefined> {
    this.loginPromise ??= this.client.rest.users
      .getAuthenticated({ request: { signal: this.signal() } })
      .then((r) => r.data.login)
      .catch(() => undefined); // installation tokens (GitHub App, GITHUB_TOKEN) may not read /user
    return this.loginPromise;
  }

  // --- dispatch -----------------------------------------------------------------------------------

  async dispatch(target: WorkflowTarget): Promise<RunRef> {
    const { owner, repo } = target;
    const full = `${owner}/${repo}`;
    const facts = await this.readFacts(target, undefined).catch(() => undefined);
    const expectedTitle = expectedRunTitle(facts?.runName, target.inputs);
    const loginP = this.login();
    let snapshot: Set<number> | undefined;
    // Known not to return run ids, or no server clock to compare created_at with: remember the runs that exist.
    if (this.supportsRunDetails === false || this.serverSkewMs === undefined)
      snapshot = await this.snapshotRuns(target);
    const ref = target.ref.replace(/^refs\/(heads|tags)\//, '');
    let sends = 0;
    for (;;) {
      const withDetails = this.supportsRunDetails !== false;
      const dispatchedAt = this.clock.now();
      sends++;
      try {
        const res = await this.client.request(
          'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches',
          {
            owner,
            repo,
            workflow_id: GitHubWorkflows.workflowId(target.workflow),
            ref: target.ref,
            inputs: { ...target.inputs },
            ...(withDetails ? { return_run_details: true } : {}),
            // Never re-sent automatically: a lost answer may still have created a run (see below).
            request: { retries: 0, signal: this.signal() },
          },
        );
        const data = res.data as { workflow_run_id?: number; html_url?: string } | undefined;
        if (res.status === 200 && data && typeof data.workflow_run_id === 'number') {
          this.supportsRunDetails = true;
          this.runRepos.set(data.workflow_run_id, { owner, repo });
          return {
            id: data.workflow_run_id,
            url: data.html_url ?? this.guessRunUrl(owner, repo, data.workflow_run_id),
          };
        }
        // 204: the server does not return run details; find the run.
        return (await this.findRun(target, ref, {
          dispatchedAt,
          snapshot,
          login: await loginP,
          expectedTitle,
          timeoutMs: this.tuning.findRunTimeoutMs,
        })) as RunRef;
      } catch (error) {
        if (error instanceof HostingError) throw error;
        const f = httpFailure(error);
        if (f.status === 400 || f.status === 422) {
          const known = dispatchRejection(f, target, facts);
          if (known) throw known;
          if (withDetails) {
            this.supportsRunDetails = false;
            this.log(
              `${this.baseUrl} does not support return_run_details (HTTP ${f.status}); dispatching without it and identifying the run from the run list.`,
            );
            snapshot = await this.snapshotRuns(target);
            sends--;
            continue;
          }
          throw new RemoteError(
            'github',
            'DISPATCH_REJECTED',
            `GitHub rejected the dispatch of ${target.workflow} in ${full} (HTTP ${f.status}: ${f.message}).`,
            {
              fix: 'Check the workflow file, its inputs and the ref; the message above is GitHub’s.',
              cause: safeCause(f),
              details: { repository: full, workflow: target.workflow, ref: target.ref },
            },
          );
        }
        if (isTransient(f)) {
          // The dispatch may or may not have happened: look for the run before sending it again.
          this.log(
            `The dispatch got no clear answer (${f.status === undefined ? f.message : `HTTP ${f.status}`}); looking for the run it may have created before sending it again.`,
          );
          const found = await this.findRun(target, ref, {
            dispatchedAt,
            snapshot,
            login: await loginP,
            expectedTitle,
            timeoutMs: this.tuning.findAfterFailureMs,
            allowNone: true,
          });
          if (found) return found;
          if (sends >= 3)
            throw gitHubError(error, this.ctx(target, `dispatch ${target.workflow} in ${full}`));
          continue;
        }
        throw gitHubError(error, this.ctx(target, `dispatch workflow ${target.workflow} in ${full}`));
      }
    }
  }

  private guessRunUrl(owner: string, repo: string, id: number): string {
    const web = this.baseUrl.replace(/\/api\/v3\/?$/, '').replace('://api.github.com', '://github.com');
    return `${web.replace(/\/$/, '')}/${owner}/${repo}/actions/runs/${id}`;
  }

  private async listRuns(
    target: WorkflowTarget,
    ref: string,
    actor?: string,
    signal?: AbortSignal,
  ): Promise<ApiRun[]> {
    const res = await this.client.rest.actions.listWorkflowRuns({
      owner: target.owner,
      repo: target.repo,
      workflow_id: GitHubWorkflows.workflowId(target.workflow),
      event: 'workflow_dispatch',
      branch: ref,
      ...(actor ? { actor } : {}),
      per_page: 30,
      request: { signal: this.signal(signal) },
    });
    return res.data.workflow_runs as ApiRun[];
  }

  private async snapshotRuns(target: WorkflowTarget): Promise<Set<number>> {
    const ref = target.ref.replace(/^refs\/(heads|tags)\//, '');
    try {
      return new Set((await this.listRuns(target, ref)).map((r) => r.id));
    } catch (error) {
      throw gitHubError(error, this.ctx(target, `list runs of ${target.workflow}`));
    }
  }

  /**
   * The run our dispatch created: the workflow's newest workflow_dispatch run on the ref, created after the
   * dispatch (allowing for clock skew and whole-second timestamps), by our login when known, not seen before the
   * dispatch, and with the expected title when the run-name shows the inputs. Two candidates: RUN_AMBIGUOUS.
   */
  private async findRun(
    target: WorkflowTarget,
    ref: string,
    o: {
      dispatchedAt: number;
      snapshot: Set<number> | undefined;
      login: string | undefined;
      expectedTitle: string | undefined;
      timeoutMs: number;
      allowNone?: boolean;
    },
  ): Promise<RunRef | undefined> {
    const full = `${target.owner}/${target.repo}`;
    // created_at has whole seconds and the server clock may differ from ours: the skew estimate from Date headers
    // is a lower bound within one second; without one, allow a minute (and rely on the snapshot).
    const tolerance = this.serverSkewMs === undefined ? 60_000 : 2000;
    const lowerBound = o.dispatchedAt + (this.serverSkewMs ?? 0) - tolerance;
    const start = this.clock.now();
    let delay = 1000;
    for (;;) {
      let runs: ApiRun[];
      try {
        runs = await this.listRuns(target, ref, o.login);
      } catch (error) {
        const f = httpFailure(error);
        if (!isTransient(f) && !isRateLimited(f))
          throw gitHubError(error, this.ctx(target, `list runs of ${target.workflow}`));
        runs = [];
      }
      const candidates = runs.filter(
        (r) =>
          (r.event === undefined || r.event === 'workflow_dispatch') &&
          Date.parse(r.created_at) >= lowerBound &&
          !o.snapshot?.has(r.id) &&
          (!o.login ||
            (r.actor?.login ?? r.triggering_actor?.login)?.toLowerCase() === o.login.toLowerCase()) &&
          (r.head_branch === undefined || r.head_branch === null || r.head_branch === ref) &&
          // Confirmed by the title where the server shows one and the run-name makes it predictable.
          (o.expectedTitle === undefined ||
            r.display_title === undefined ||
            r.display_title === o.expectedTitle),
      );
      if (candidates.length === 1 && candidates[0]) {
        const run = candidates[0];
        this.runRepos.set(run.id, { owner: target.owner, repo: target.repo });
        return { id: run.id, url: run.html_url, ...(run.run_number ? { runNumber: run.run_number } : {}) };
      }
      if (candidates.length > 1) {
        throw new PreconditionError(
          'RUN_AMBIGUOUS',
          `${candidates.length} runs of ${target.workflow} in ${full}@${ref} started${o.login ? ` by ${o.login}` : ''} at the time of this dispatch, and nothing tells which one is ours: ${candidates.map((c) => c.html_url).join(', ')}. Not guessing.`,
          {
            // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, shown to the user
            fix: 'Check those runs by hand. To avoid this, add `run-name: Deploy ${{ inputs.application }} to ${{ inputs.environment }}` to the infra workflow, use a token whose login GitHub shows (not an installation token), or use a GitHub version that supports return_run_details.',
            details: {
              repository: full,
              workflow: target.workflow,
              candidates: candidates.map((c) => c.id).join(','),
            },
          },
        );
      }
      const elapsed = this.clock.now() - start;
      if (elapsed >= o.timeoutMs) {
        if (o.allowNone) return undefined;
        throw new RemoteError(
          'github',
          'RUN_NOT_FOUND',
          `The dispatch of ${target.workflow} in ${full}@${ref} was accepted, but its run did not appear within ${formatElapsed(elapsed)}.`,
          {
            fix: `Look at the Actions tab of ${full}; if the run is there, follow it by hand. Runs can take a while to be listed when GitHub is slow.`,
            details: { repository: full, workflow: target.workflow, ref },
          },
        );
      }
      await this.clock.sleep(Math.min(delay, Math.max(0, o.timeoutMs - elapsed)));
      delay = Math.min(5000, Math.round(delay * 1.5));
    }
  }

  // --- wait ----------------------------------------------------------------------------------------

  private repoOf(run: RunRef): { owner: string; repo: string } {
    const known = this.runRepos.get(run.id);
    if (known) return known;
    const m = /\/([^/]+)\/([^/]+)\/actions\/runs\/\d+/.exec(run.url);
    if (m?.[1] && m[2]) return { owner: decodeURIComponent(m[1]), repo: decodeURIComponent(m[2]) };
    throw new RemoteError(
      'github',
      'RUN_NOT_FOUND',
      `Cannot tell the repository of run ${run.id} from its URL ${run.url}.`,
      {
        fix: 'This is unexpected: report it with the output.',
      },
    );
  }

  async wait(run: RunRef, options: WaitOptions): Promise<RunResult> {
    const { owner, repo } = this.repoOf(run);
    const clock = this.clock;
    const start = clock.now();
    const deadline = start + options.timeoutMs;
    const signal = options.signal;
    let requests = 0;
    let etag: string | undefined;
    let current: ApiRun | undefined;
    let jobsEtag: string | undefined;
    let jobs: ApiJob[] | undefined;
    let lastJobsAt = Number.NEGATIVE_INFINITY;
    let lastUpdateKey = '';
    /** Environments whose approval wait was reported: each once. */
    const approvalsReported = new Set<string>();
    let approvalChecked = false;
    let transientStreak = 0;
    let ref: RunRef = run;
    let rateFloorMs = 0;

    const emit = (update: Omit<RunUpdate, 'run'>) => {
      const key = JSON.stringify([update.status, update.job, update.step, update.approval?.environment]);
      if (key === lastUpdateKey) return;
      lastUpdateKey = key;
      options.onUpdate?.({ run: ref, ...update });
    };

    const noteRate = (headers: Record<string, unknown>) => {
      const remaining = Number(headers['x-ratelimit-remaining']);
      const reset = Number(headers['x-ratelimit-reset']);
      rateFloorMs = 0;
      if (Number.isFinite(remaining) && Number.isFinite(reset) && remaining < 50) {
        const untilReset = reset * 1000 - (clock.now() + (this.serverSkewMs ?? 0));
        rateFloorMs = Math.max(0, Math.round(untilReset / Math.max(1, remaining)));
      }
    };

    /** How long a rate-limited answer asks us to wait. */
    const rateLimitWait = (f: HttpFailure): number => {
      const retryAfter = Number(f.headers['retry-after']);
      if (Number.isFinite(retryAfter) && retryAfter >= 0) return retryAfter * 1000;
      if (f.headers['x-ratelimit-remaining'] === '0') {
        const reset = Number(f.headers['x-ratelimit-reset']);
        if (Number.isFinite(reset))
          return Math.max(1000, reset * 1000 - (clock.now() + (this.serverSkewMs ?? 0)) + 1000);
      }
      return 60_000; // GitHub: wait at least a minute after a secondary limit without Retry-After
    };

    const interrupted = async (): Promise<never> => {
      const cancelIt = options.cancelOnInterrupt !== false;
      let outcome = 'was left running (cancel-on-interrupt is off)';
      if (cancelIt) {
        try {
          await this.cancel(ref);
          outcome = 'was cancelled';
        } catch (error) {
          outcome = `could not be cancelled (${error instanceof Error ? error.message : String(error)}); cancel it by hand`;
        }
      }
      throw new InterruptedError(
        `Interrupted while waiting for the infra deployment; the remote run ${ref.url} ${outcome}.`,
        {
          fix: cancelIt
            ? 'Deploy again when ready.'
            : 'The run continues on GitHub: follow it there, or cancel it by hand.',
          details: { runUrl: ref.url, runId: ref.id, cancelled: cancelIt && outcome === 'was cancelled' },
        },
      );
    };

    const sleep = async (ms: number) => {
      try {
        await clock.sleep(Math.max(0, ms), signal);
      } catch (error) {
        if (signal?.aborted) await interrupted();
        throw error;
      }
    };

    const describe = () => {
      const parts = [`status ${current?.status ?? 'unknown'}`];
      const running = jobs ? currentJobStep(jobs) : undefined;
      if (running?.job) parts.push(`job "${running.job}"`);
      if (running?.step) parts.push(`step "${running.step}"`);
      return parts.join(', ');
    };

    for (;;) {
      if (signal?.aborted) await interrupted();
      // 1. The run, conditionally.
      try {
        const res = await this.client.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}', {
          owner,
          repo,
          run_id: run.id,
          headers: etag ? { 'if-none-match': etag } : {},
          request: { retries: 0, manualRateLimit: true, signal: this.signal(signal) },
        });
        requests++;
        transientStreak = 0;
        noteRate(res.headers as Record<string, unknown>);
        etag = typeof res.headers.etag === 'string' ? res.headers.etag : undefined;
        current = res.data as ApiRun;
        if (ref.runNumber === undefined && current.run_number)
          ref = { ...ref, runNumber: current.run_number, url: current.html_url || ref.url };
      } catch (error) {
        if (signal?.aborted) await interrupted();
        const f = httpFailure(error);
        if (f.status === 304) {
          transientStreak = 0;
          noteRate(f.headers);
        } else {
          if (f.status !== undefined) requests++;
          if (isRateLimited(f)) {
            const waitMs = rateLimitWait(f);
            this.log(`GitHub rate limit while waiting; pausing ${formatElapsed(waitMs)} as GitHub asks.`);
            if (clock.now() + waitMs >= deadline) {
              await sleep(deadline - clock.now());
              return this.timedOut(ref, options, start, describe());
            }
            await sleep(waitMs);
            continue;
          }
          const notYet = f.status === 404 && clock.now() - start < this.tuning.runNotFoundGraceMs;
          if (isTransient(f) || notYet) {
            transientStreak++;
            if (transientStreak === 1 || transientStreak % 10 === 0) {
              this.log(
                `GitHub did not answer properly (${f.status === undefined ? f.message : `HTTP ${f.status}`}); still waiting for run ${run.id}.`,
              );
            }
          } else if (f.status === 404) {
            throw new RemoteError(
              'github',
              'RUN_NOT_FOUND',
              `Run ${run.id} in ${owner}/${repo} no longer exists (404): ${ref.url}`,
              {
                fix: 'The run was deleted, or the token lost access to the infra repository.',
                cause: safeCause(f),
              },
            );
          } else {
            throw gitHubError(error, {
              action: `read run ${run.id}`,
              repo: `${owner}/${repo}`,
              baseUrl: this.baseUrl,
            });
          }
        }
      }

      // 2. Report what changed (an abort in these lookups is an interrupt too).
      try {
        if (current) {
          const status = (current.status ?? 'queued') as RunStatus;
          if (status === 'completed') break;
          if (status !== 'waiting') approvalChecked = false;
          if (status === 'waiting' && !approvalChecked) {
            // Once per waiting period; each environment is reported once.
            approvalChecked = true;
            const approval = await this.pendingApproval(owner, repo, run.id, signal);
            if (approval.counted) requests++;
            const fresh =
              approval.value && !approvalsReported.has(approval.value.environment)
                ? approval.value
                : undefined;
            if (fresh) approvalsReported.add(fresh.environment);
            emit(fresh ? { status, approval: fresh } : { status });
          } else if (
            status === 'in_progress' &&
            options.onUpdate &&
            clock.now() - lastJobsAt >= this.tuning.jobsIntervalMs
          ) {
            lastJobsAt = clock.now();
            const got = await this.fetchJobs(owner, repo, run.id, jobsEtag, signal);
            if (got.counted) requests++;
            if (got.jobs) {
              jobs = got.jobs;
              jobsEtag = got.etag;
            }
            const running = jobs ? currentJobStep(jobs) : undefined;
            emit({
              status,
              ...(running?.job ? { job: running.job } : {}),
              ...(running?.step ? { step: running.step } : {}),
            });
          } else if (status !== 'in_progress' && status !== 'waiting') {
            emit({ status });
          } else if (status === 'in_progress' && !options.onUpdate) {
            // no live display: nothing to report
          } else if (status === 'in_progress') {
            const running = jobs ? currentJobStep(jobs) : undefined;
            emit({
              status,
              ...(running?.job ? { job: running.job } : {}),
              ...(running?.step ? { step: running.step } : {}),
            });
          }
        }
      } catch (error) {
        if (signal?.aborted) await interrupted();
        throw error;
      }

      // 3. Sleep until the next poll, or give up at the deadline.
      const now = clock.now();
      if (now >= deadline) return this.timedOut(ref, options, start, describe());
      // Until the first answer, assume ETags work; a server that sends none gets polled less often.
      const conditional = etag !== undefined || current === undefined;
      let interval = pollInterval(now - start, conditional);
      // GitHub's 5xx are usually momentary: back off gently (linear, at most 10 s) and keep waiting.
      if (transientStreak > 0)
        interval = Math.min(10_000, Math.round(interval * (1 + 0.5 * (transientStreak - 1))));
      // Polls that cost (no ETags) are spread over what is left of the rate limit until it resets.
      if (!conditional) interval = Math.max(interval, rateFloorMs);
      // Look once more exactly at the deadline, so a run that just finished is not reported as timed out.
      await sleep(Math.min(interval, deadline - now));
    }

    // 3. Completed: report.
    const finished = current as ApiRun;
    const conclusion = finished.conclusion ?? 'unknown';
    emit({ status: 'completed' });
    let failedJobs: FailedJob[] = [];
    if (conclusion !== 'success') {
      try {
        const report = await this.failedJobs(owner, repo, run.id, signal);
        requests += report.requests;
        failedJobs = report.failed;
      } catch (error) {
        // Aborted while collecting the report: the run is over; report it without job details.
        if (!signal?.aborted) throw error;
      }
    }
    return { run: ref, conclusion, failedJobs, requests };
  }

  private async timedOut(run: RunRef, options: WaitOptions, start: number, state: string): Promise<never> {
    const elapsed = this.clock.now() - start;
    let cancelled = '';
    if (options.cancelOnTimeout) {
      try {
        await this.cancel(run);
        cancelled = ' The remote run was cancelled.';
      } catch (error) {
        cancelled = ` Cancelling the remote run failed (${error instanceof Error ? error.message : String(error)}).`;
      }
    }
    throw new TimeoutError(
      `The infra deployment did not finish within ${formatElapsed(options.timeoutMs)} (waited ${formatElapsed(elapsed)}; ${state}): ${run.url}.${cancelled}`,
      {
        fix: options.cancelOnTimeout
          ? 'Open the run link to see where it stalled; raise --timeout if it needs longer.'
          : 'Open the run link to see where it is: it may still finish. Raise --timeout, or pass --cancel-on-timeout to cancel runs that exceed it.',
        details: {
          runUrl: run.url,
          runId: run.id,
          elapsedMs: elapsed,
          cancelled: options.cancelOnTimeout === true && cancelled.includes('was cancelled'),
        },
      },
    );
  }

  private async pendingApproval(
    owner: string,
    repo: string,
    runId: number,
    signal: AbortSignal | undefined,
  ): Promise<{ value: RunUpdate['approval']; counted: boolean }> {
    try {
      const res = await this.client.rest.actions.getPendingDeploymentsForRun({
        owner,
        repo,
        run_id: runId,
        request: { retries: 1, signal: this.signal(signal) },
      });
      const first = res.data[0];
      if (!first) return { value: undefined, counted: true };
      const environment = res.data.map((d) => d.environment.name ?? 'unknown').join(', ');
      const reviewers: string[] = [];
      for (const d of res.data) {
        for (const r of d.reviewers ?? []) {
          const rev = r.reviewer as { login?: string; slug?: string; name?: string } | undefined;
          const name = rev?.login ?? (rev?.slug ? `@${owner}/${rev.slug}` : rev?.name);
          if (name && !reviewers.includes(name)) reviewers.push(name);
        }
      }
      return { value: { environment, reviewers }, counted: true };
    } catch (error) {
      if (signal?.aborted) throw error;
      return {
        value: { environment: 'unknown (the token may not read pending deployments)', reviewers: [] },
        counted: httpFailure(error).status !== undefined,
      };
    }
  }

  private async fetchJobs(
    owner: string,
    repo: string,
    runId: number,
    etag: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<{ jobs: ApiJob[] | undefined; etag: string | undefined; counted: boolean }> {
    try {
      const res = await this.client.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}/jobs', {
        owner,
        repo,
        run_id: runId,
        per_page: 100,
        headers: etag ? { 'if-none-match': etag } : {},
        request: { retries: 0, manualRateLimit: true, signal: this.signal(signal) },
      });
      return {
        jobs: res.data.jobs as ApiJob[],
        etag: typeof res.headers.etag === 'string' ? res.headers.etag : undefined,
        counted: true,
      };
    } catch (error) {
      if (signal?.aborted) throw error;
      const f = httpFailure(error);
      return { jobs: undefined, etag, counted: f.status !== undefined && f.status !== 304 };
    }
  }

  private async failedJobs(
    owner: string,
    repo: string,
    runId: number,
    signal: AbortSignal | undefined,
  ): Promise<{ failed: FailedJob[]; requests: number }> {
    let requests = 0;
    let jobs: ApiJob[] | undefined;
    for (let attempt = 1; attempt <= 4 && !jobs; attempt++) {
      const got = await this.fetchJobs(owner, repo, runId, undefined, signal);
      if (got.counted) requests++;
      jobs = got.jobs;
      if (!jobs && attempt < 4) await this.clock.sleep(1000 * attempt, signal);
    }
    if (!jobs) {
      this.log(`Could not list the jobs of run ${runId}: the failed job and step are not known.`);
      return { failed: [], requests };
    }
    const failed: FailedJob[] = [];
    for (const job of jobs) {
      if (job.conclusion === null || NOT_FAILED.has(job.conclusion)) continue;
      const step =
        job.steps?.find((s) => s.conclusion === 'failure') ??
        job.steps?.find((s) => s.conclusion !== null && !NOT_FAILED.has(s.conclusion));
      let tail: string[] | undefined;
      if (failed.length < 5) {
        try {
          requests++;
          const res = await this.client.request('GET /repos/{owner}/{repo}/actions/jobs/{job_id}/logs', {
            owner,
            repo,
            job_id: job.id,
            request: { retries: 1, signal: this.signal(signal) },
          });
          tail = logTail(String(res.data ?? ''), this.tuning.logTailLines, (s) => this.redact(s));
          if (tail.length === 0) tail = undefined;
        } catch (error) {
          if (signal?.aborted) throw error;
          // 403/404/410: the token may not read logs, or they expired: report without them.
          tail = undefined;
        }
      }
      failed.push({
        name: job.name,
        url: job.html_url ?? undefined,
        conclusion: job.conclusion,
        ...(step ? { step: step.name } : {}),
        ...(tail ? { logTail: tail } : {}),
      });
    }
    return { failed, requests };
  }

  // --- cancel, listing ---------------------------------------------------------------------------

  async cancel(run: RunRef): Promise<void> {
    const { owner, repo } = this.repoOf(run);
    try {
      await this.client.rest.actions.cancelWorkflowRun({
        owner,
        repo,
        run_id: run.id,
        // One retry only: a run that already completed answers 409 on every attempt, and the retry plugin
        // would otherwise spend ~14 s retrying it (409 is not in its do-not-retry list).
        request: { signal: AbortSignal.timeout(this.tuning.requestTimeoutMs), retries: 1 } as {
          signal: AbortSignal;
        },
      });
    } catch (error) {
      if (httpFailure(error).status === 409) return; // already completed
      throw gitHubError(error, {
        action: `cancel run ${run.id}`,
        repo: `${owner}/${repo}`,
        baseUrl: this.baseUrl,
      });
    }
  }

  private async summaries(target: WorkflowTarget): Promise<RunSummary[]> {
    const ref = target.ref.replace(/^refs\/(heads|tags)\//, '');
    const facts = await this.readFacts(target, undefined).catch(() => undefined);
    const title = expectedRunTitle(facts?.runName, target.inputs);
    let runs: ApiRun[];
    try {
      runs = await this.listRuns(target, ref);
    } catch (error) {
      throw gitHubError(error, this.ctx(target, `list runs of ${target.workflow}`));
    }
    return runs
      .filter((r) => title === undefined || r.display_title === title)
      .map((r) => ({
        run: { id: r.id, url: r.html_url, ...(r.run_number ? { runNumber: r.run_number } : {}) },
        status: (r.status ?? 'queued') as RunStatus,
        conclusion: r.conclusion ?? undefined,
        createdAt: new Date(r.created_at),
        title: r.display_title,
        actor: r.actor?.login,
      }));
  }

  async activeRuns(target: WorkflowTarget): Promise<RunSummary[]> {
    const all = await this.summaries(target);
    return all
      .filter((s) => s.status !== 'completed')
      .sort((a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0) || a.run.id - b.run.id);
  }

  async latestRun(target: WorkflowTarget): Promise<RunSummary | undefined> {
    return (await this.summaries(target))[0];
  }
}

function currentJobStep(jobs: ApiJob[]): { job?: string; step?: string } | undefined {
  const active = jobs.find((j) => j.status === 'in_progress') ?? jobs.find((j) => j.status === 'queued');
  if (!active) return undefined;
  const step = active.steps?.find((s) => s.status === 'in_progress');
  return { job: active.name, ...(step ? { step: step.name } : {}) };
}

function checkInputs(facts: WorkflowFileFacts, target: WorkflowTarget, path: string): void {
  const full = `${target.owner}/${target.repo}`;
  if (!facts.dispatch) {
    throw new PreconditionError(
      'WORKFLOW_NO_DISPATCH',
      `Workflow ${path} in ${full}@${target.ref} has no workflow_dispatch trigger, so it cannot be started from here.`,
      {
        fix: `Add to ${path}:\n  on:\n    workflow_dispatch:\n      inputs:\n${Object.keys(target.inputs)
          .map((k) => `        ${k}: { required: true, type: string }`)
          .join('\n')}`,
        details: { repository: full, workflow: target.workflow, ref: target.ref },
      },
    );
  }
  const unexpected = Object.keys(target.inputs).filter((k) => !facts.inputs.has(k));
  const missing = [...facts.inputs]
    .filter(([k, v]) => v.required && !v.hasDefault && !(k in target.inputs))
    .map(([k]) => k);
  if (unexpected.length > 0 || missing.length > 0) {
    const parts: string[] = [];
    if (unexpected.length > 0)
      parts.push(`it does not declare the input(s) we send: ${unexpected.join(', ')}`);
    if (missing.length > 0) parts.push(`it requires input(s) we do not send: ${missing.join(', ')}`);
    throw new PreconditionError(
      'WORKFLOW_INPUTS_MISMATCH',
      `Workflow ${path} in ${full}@${target.ref} does not match this tool: ${parts.join('; ')}.`,
      {
        fix: `Declare exactly these workflow_dispatch inputs in ${path}: ${Object.keys(target.inputs).join(', ')} (type string).`,
        details: {
          repository: full,
          workflow: target.workflow,
          unexpected: unexpected.join(','),
          missing: missing.join(','),
        },
      },
    );
  }
}

/** A 400/422 on dispatch whose cause GitHub names. */
function dispatchRejection(
  f: HttpFailure,
  target: WorkflowTarget,
  facts: WorkflowFileFacts | undefined,
): HostingError | undefined {
  const full = `${target.owner}/${target.repo}`;
  const m = f.message;
  const cause = safeCause(f);
  const details = { repository: full, workflow: target.workflow, ref: target.ref };
  if (/disabled workflow/i.test(m)) {
    return new PreconditionError(
      'WORKFLOW_DISABLED',
      `Workflow ${target.workflow} in ${full} is disabled: GitHub refused the dispatch (${m}).`,
      {
        fix: `Enable it in the Actions tab of ${full}, or run: gh workflow enable ${target.workflow} -R ${full}`,
        cause,
        details,
      },
    );
  }
  if (/workflow_dispatch/i.test(m) && /trigger/i.test(m)) {
    return new PreconditionError(
      'WORKFLOW_NO_DISPATCH',
      `Workflow ${target.workflow} in ${full}@${target.ref} has no workflow_dispatch trigger (${m}).`,
      {
        fix: 'Add `on: workflow_dispatch` with the inputs application and environment to the workflow file on that ref.',
        cause,
        details,
      },
    );
  }
  if (/unexpected inputs|required input|input/i.test(m) && !/return_run_details/i.test(m)) {
    return new PreconditionError(
      'WORKFLOW_INPUTS_MISMATCH',
      `GitHub rejected the inputs for ${target.workflow} in ${full}: ${m}.`,
      {
        fix: `Declare exactly these workflow_dispatch inputs in the workflow: ${Object.keys(target.inputs).join(', ')}${facts ? '' : ''}.`,
        cause,
        details,
      },
    );
  }
  if (/no ref found|ref.*not found/i.test(m)) {
    return new PreconditionError('REF_NOT_FOUND', `Ref "${target.ref}" does not exist in ${full} (${m}).`, {
      fix: 'Check --infra-ref / infra-ref: a branch or tag of the infra repository.',
      cause,
      details,
    });
  }
  return undefined;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
