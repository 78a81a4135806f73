/**
 * The GitHub test server's state: the infra repository (refs, workflow file), its runs (simulated from a plan
 * or executed by a hook), the scenario's queues and faults, the rate limit, and what it recorded.
 */
import { randomBytes } from 'node:crypto';
import { Apps } from './apps.js';
import { type LiveRun, liveRunState, type RunExecutor, startExecution } from './executor.js';
import { effectiveJobs, type RunPlan, type RunRecord, type RunState, runState } from './model.js';
import { RateLimit } from './rate-limit.js';
import { sha } from './reply.js';
import type { Fault, GitHubPeerOptions, GitHubPeerStats, TokenSpec } from './types.js';
import { defaultWorkflowYaml, parseWorkflow, renderTitle } from './workflow-file.js';

export interface PeerUrls {
  /** http://127.0.0.1:PORT */
  origin: string;
  /** The API base (origin + path prefix). */
  api: string;
  /** Browser URLs (html_url). */
  web: string;
}

export interface CompetingDispatch {
  actor: string;
  ref?: string;
  inputs: Record<string, string>;
  plan?: RunPlan;
}

export class PeerState {
  readonly owner: string;
  readonly repo: string;
  readonly workflowFile: string;
  readonly workflowPath: string;
  readonly workflowId: number;
  readonly workflowName: string;
  readonly repoApi: string;
  readonly repoWeb: string;
  skew: number;
  workflowState: 'active' | 'disabled_manually';
  workflowYaml: string;
  returnRunDetails: boolean;
  executor: RunExecutor | undefined;
  readonly branches: Map<string, string>;
  readonly tags: Map<string, string>;
  /** The default token (write access). */
  readonly token = `ghp_${randomBytes(18).toString('hex')}`;
  readonly tokens: Map<string, TokenSpec>;
  readonly runs: RunRecord[] = [];
  readonly liveRuns = new Map<number, LiveRun>();
  /** Executed runs planned with `hold`: they start executing once released. */
  private readonly heldExecutions = new Map<number, () => void>();
  readonly planQueue: RunPlan[] = [];
  readonly competing: CompetingDispatch[] = [];
  readonly faults: Array<Fault & { left: number }> = [];
  readonly rate: RateLimit;
  readonly apps: Apps;
  readonly stats: GitHubPeerStats = {
    requests: 0,
    rateLimited: 0,
    notModified: 0,
    byOperation: {},
    log: [],
    violations: [],
    apiVersions: {},
    deprecated: [],
    appTokens: [],
    unauthorized: 0,
    dispatches: [],
  };
  private nextRunId = 9_000_000_001;
  private nextJobId = 30_000_000_001;
  private nextRunNumber = 1;

  constructor(
    readonly options: GitHubPeerOptions,
    readonly urls: PeerUrls,
  ) {
    this.owner = options.owner ?? 'acme';
    this.repo = options.repo ?? 'infra';
    this.workflowFile = options.workflowFile ?? 'deploy.yaml';
    this.workflowPath = `.github/workflows/${this.workflowFile}`;
    this.workflowId = options.workflowId ?? 161335;
    this.workflowName = options.workflowName ?? 'Deploy';
    this.repoApi = `${urls.api}/repos/${this.owner}/${this.repo}`;
    this.repoWeb = `${urls.web}/${this.owner}/${this.repo}`;
    this.skew = options.clockSkewMs ?? 0;
    this.workflowState = options.workflowState ?? 'active';
    this.workflowYaml =
      options.workflowYaml ??
      defaultWorkflowYaml(
        this.workflowName,
        options.workflowInputs ?? ['application', 'environment'],
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression
        options.runName ?? 'Deploy ${{ inputs.application }} to ${{ inputs.environment }}',
      );
    this.returnRunDetails = options.returnRunDetails ?? !options.ghes;
    this.executor = options.executor;
    this.branches = new Map((options.branches ?? ['main']).map((b) => [b, sha(`branch:${b}`)]));
    this.tags = new Map((options.tags ?? []).map((t) => [t, sha(`tag:${t}`)]));
    this.tokens = new Map([[this.token, { login: options.login ?? 'deployer', access: 'write' }]]);
    for (const [t, spec] of Object.entries(options.tokens ?? {})) this.tokens.set(t, spec);
    this.rate = new RateLimit(options.rateLimit ?? 5000, () => this.now());
    this.apps = new Apps(() => this.now(), this.owner, this.fullName, this.stats.appTokens);
  }

  /** Server time: the given clock plus the skew. */
  now(): number {
    return (this.options.clock ?? Date).now() + this.skew;
  }

  get fullName(): string {
    return `${this.owner}/${this.repo}`;
  }

  run(id: number): RunRecord | undefined {
    return this.runs.find((r) => r.id === id);
  }

  stateOf(run: RunRecord, at = this.now()): RunState {
    const live = this.liveRuns.get(run.id);
    return live ? liveRunState(live) : runState(run, at, this.options.cancelDelayMs ?? 100);
  }

  runWebUrl(id: number): string {
    return `${this.repoWeb}/actions/runs/${id}`;
  }

  /** The plan of the next dispatched run. */
  nextPlan(): RunPlan {
    return this.planQueue.shift() ?? this.options.defaultRun ?? {};
  }

  createRun(actor: string, ref: string, inputs: Record<string, string>, plan: RunPlan): RunRecord {
    const execute = this.executor !== undefined && plan.simulate !== true;
    const jobName = this.options.executorJobName ?? 'deploy';
    const jobs = execute ? [{ name: jobName, steps: [] }] : effectiveJobs(plan);
    const run: RunRecord = {
      id: this.nextRunId++,
      runNumber: this.nextRunNumber++,
      createdAt: this.now(),
      actor,
      ref,
      headSha: this.branches.get(ref) ?? this.tags.get(ref) ?? sha(ref),
      inputs,
      displayTitle: renderTitle(this.workflowName, parseWorkflow(this.workflowYaml).runName, inputs),
      plan,
      jobs,
      jobIds: jobs.map(() => this.nextJobId++),
    };
    this.runs.push(run);
    const executor = this.executor;
    if (execute && executor) {
      const start = () => this.execute(run, executor, jobName);
      if (plan.hold) this.heldExecutions.set(run.id, start);
      else start();
    }
    return run;
  }

  /** Release a run planned with `hold`: it leaves the queue `queuedMs` from now (a cancelled one never does). */
  release(id: number): void {
    const run = this.run(id);
    if (!run?.plan.hold) throw new Error(`run ${id} is not held (plan it with hold: true)`);
    if (run.releasedAt !== undefined) throw new Error(`run ${id} was released already`);
    const start = this.heldExecutions.get(id);
    this.heldExecutions.delete(id);
    // A run cancelled in the queue stays cancelled: it never leaves the queue.
    if (run.cancelRequestedAt !== undefined) return;
    run.releasedAt = this.now();
    start?.();
  }

  private execute(run: RunRecord, executor: RunExecutor, jobName: string): void {
    const info = {
      id: run.id,
      runNumber: run.runNumber,
      inputs: { ...run.inputs },
      ref: run.ref,
      actor: run.actor,
      displayTitle: run.displayTitle,
      htmlUrl: this.runWebUrl(run.id),
    };
    const live = startExecution(info, executor, {
      now: () => this.now(),
      queuedMs: run.plan.queuedMs ?? 200,
      jobId: run.jobIds[0] ?? this.nextJobId++,
      jobName,
    });
    this.liveRuns.set(run.id, live);
  }
}
