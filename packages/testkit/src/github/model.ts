/**
 * The simulated infra repository: workflow runs whose status follows a schedule on the peer's clock.
 */

export type RunConclusionName =
  | 'success'
  | 'failure'
  | 'cancelled'
  | 'timed_out'
  | 'startup_failure'
  | 'action_required'
  | 'neutral'
  | 'skipped'
  | 'stale';

export interface StepPlan {
  name: string;
  /** How long the step runs (ms on the peer's clock). */
  durationMs: number;
  /** Conclusion of this step; the first non-success step ends the job. Default success. */
  conclusion?: RunConclusionName;
  /** Log lines this step writes (timestamps are added). */
  log?: readonly string[];
}

export interface JobPlan {
  name: string;
  steps: readonly StepPlan[];
}

export interface ApprovalPlan {
  environment: string;
  /** Reviewers' logins (users) and team slugs prefixed with `@` (teams). */
  reviewers: readonly string[];
  /** Approved automatically after this long in `waiting`; otherwise only via `scenario.approve(runId)`. */
  approveAfterMs?: number;
}

/** How a dispatched run behaves. */
export interface RunPlan {
  /** Time in `requested` (ms). Default 0. */
  requestedMs?: number;
  /** Time in `queued` (ms). Default 200. With `hold`, the time in `queued` after the release. */
  queuedMs?: number;
  /**
   * Stay `queued` until the test releases the run (`scenario.release(runId)`), then `queuedMs` more: a run
   * that holds a deploy (at its lock, say) for exactly as long as the test needs, on a machine of any speed.
   */
  hold?: boolean;
  /** Time in `pending` (waiting for a concurrency group), ms. Default 0. */
  pendingMs?: number;
  /** Wait for an environment approval (`waiting`) before the jobs start. */
  approval?: ApprovalPlan;
  /** Jobs run one after another. Default: one job `deploy` with a few steps. */
  jobs?: readonly JobPlan[];
  /**
   * Conclusion of the run. When not `success` and no step is marked, the last real step of the last job
   * gets it (failure, cancelled, timed_out); startup_failure/action_required/stale runs have no jobs.
   */
  conclusion?: RunConclusionName;
  /** The run appears in the list endpoint only after this long (GitHub's eventual consistency). Default 0. */
  listDelayMs?: number;
  /** With an `executor` on the peer: simulate this run from the plan instead of executing it. */
  simulate?: boolean;
}

export const DEFAULT_JOBS: readonly JobPlan[] = [
  {
    name: 'deploy',
    steps: [
      { name: 'Set up job', durationMs: 200, log: ['Current runner version: 2.321.0'] },
      { name: 'Run actions/checkout@v4', durationMs: 300, log: ['Syncing repository: acme/infra'] },
      {
        name: 'Deploy application',
        durationMs: 1000,
        log: ['Deploying application', 'terraform apply -auto-approve', 'Apply complete!'],
      },
      { name: 'Complete job', durationMs: 100, log: ['Cleaning up orphan processes'] },
    ],
  },
];

export interface RunRecord {
  id: number;
  runNumber: number;
  /** Server-clock ms. */
  createdAt: number;
  actor: string;
  ref: string;
  headSha: string;
  inputs: Record<string, string>;
  displayTitle: string;
  plan: RunPlan;
  jobs: JobPlan[];
  approvedAt?: number;
  /** When a run planned with `hold` was released (server clock). */
  releasedAt?: number;
  cancelRequestedAt?: number;
  jobIds: number[];
}

export interface StepState {
  name: string;
  number: number;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  startedAt: number | null;
  completedAt: number | null;
  log: readonly string[];
}

export interface JobState {
  id: number;
  name: string;
  status: 'queued' | 'in_progress' | 'completed';
  conclusion: string | null;
  startedAt: number | null;
  completedAt: number | null;
  steps: StepState[];
}

export interface RunState {
  status: 'requested' | 'queued' | 'pending' | 'waiting' | 'in_progress' | 'completed';
  conclusion: string | null;
  updatedAt: number;
  startedAt: number;
  jobs: JobState[];
  waitingSince?: number;
}

const NO_JOB_CONCLUSIONS = new Set(['startup_failure', 'action_required', 'stale', 'skipped', 'neutral']);

/** Jobs with the conclusion applied to a step when the plan does not mark one. */
export function effectiveJobs(plan: RunPlan): JobPlan[] {
  const conclusion = plan.conclusion ?? 'success';
  if (NO_JOB_CONCLUSIONS.has(conclusion)) return [];
  const jobs = (plan.jobs ?? DEFAULT_JOBS).map((j) => ({
    name: j.name,
    steps: j.steps.map((s) => ({ ...s })),
  }));
  if (conclusion === 'success') return jobs;
  const marked = jobs.some((j) => j.steps.some((s) => s.conclusion && s.conclusion !== 'success'));
  if (!marked) {
    const last = jobs.at(-1);
    if (last) {
      const real = last.steps.filter((s) => s.name !== 'Complete job' && s.name !== 'Set up job');
      const target = real.at(-1) ?? last.steps.at(-1);
      if (target) {
        target.conclusion = conclusion;
        if (conclusion === 'failure' && !target.log?.some((l) => l.startsWith('##[error]'))) {
          target.log = [
            ...(target.log ?? []),
            'Error: the deployment failed',
            '##[error]Process completed with exit code 1.',
          ];
        }
      }
    }
  }
  return jobs;
}

type Phase = [RunState['status'], number];

/** The phases before the jobs (requested, queued, pending, waiting) with their ends, and when the jobs start. */
function phasesOf(run: RunRecord): { phases: Phase[]; start: number } {
  const p = run.plan;
  const requestedEnd = run.createdAt + (p.requestedMs ?? 0);
  // A held run's time in the queue counts from its release (never, until it is released).
  const queuedFrom = p.hold
    ? Math.max(requestedEnd, run.releasedAt ?? Number.POSITIVE_INFINITY)
    : requestedEnd;
  const queuedEnd = queuedFrom + (p.queuedMs ?? 200);
  const pendingEnd = queuedEnd + (p.pendingMs ?? 0);
  const phases: Phase[] = [
    ['requested', requestedEnd],
    ['queued', queuedEnd],
    ['pending', pendingEnd],
  ];
  if (!p.approval) return { phases, start: pendingEnd };
  const approvedAt =
    run.approvedAt ??
    (p.approval.approveAfterMs !== undefined ? pendingEnd + p.approval.approveAfterMs : Infinity);
  phases.push(['waiting', approvedAt]);
  return { phases, start: approvedAt };
}

/** Jobs run one after another from `start`; a failing step ends its job and the run. */
function scheduleJobs(run: RunRecord, start: number): { jobs: JobState[]; runEnd: number } {
  const jobs: JobState[] = [];
  let failedAt: number | undefined;
  let jobStart = start;
  for (const [ji, job] of run.jobs.entries()) {
    const js: JobState = {
      id: run.jobIds[ji] ?? 0,
      name: job.name,
      status: 'queued',
      conclusion: null,
      startedAt: jobStart,
      completedAt: null,
      steps: [],
    };
    let s = jobStart;
    let jobConclusion = 'success';
    let stopped = failedAt !== undefined;
    for (const [si, step] of job.steps.entries()) {
      const st: StepState = {
        name: step.name,
        number: si + 1,
        status: stopped ? 'completed' : 'queued',
        conclusion: stopped ? 'skipped' : (step.conclusion ?? 'success'),
        startedAt: s,
        completedAt: stopped ? s : s + step.durationMs,
        log: step.log ?? [],
      };
      if (!stopped) {
        s += step.durationMs;
        if (st.conclusion !== 'success') {
          jobConclusion = st.conclusion ?? 'failure';
          stopped = true;
          failedAt ??= s;
        }
      }
      js.steps.push(st);
    }
    js.completedAt = s;
    js.conclusion =
      failedAt !== undefined && jobConclusion === 'success' && s === jobStart ? 'skipped' : jobConclusion;
    jobs.push(js);
    jobStart = s;
  }
  return { jobs, runEnd: jobStart };
}

/** A run cancelled before its end completes `cancelled` shortly after the request, its jobs and steps too. */
function applyCancel(jobs: JobState[], cancelledAt: number): void {
  for (const job of jobs) {
    if (job.completedAt !== null && job.completedAt <= cancelledAt) continue;
    job.completedAt = cancelledAt;
    job.conclusion = 'cancelled';
    for (const st of job.steps) {
      if (st.completedAt !== null && st.completedAt <= cancelledAt) continue;
      st.completedAt = cancelledAt;
      st.conclusion = st.startedAt !== null && st.startedAt < cancelledAt ? 'cancelled' : 'skipped';
    }
  }
}

function resetToQueued(job: JobState): void {
  job.status = 'queued';
  job.conclusion = null;
  job.startedAt = null;
  job.completedAt = null;
  for (const st of job.steps)
    Object.assign(st, { status: 'queued', conclusion: null, startedAt: null, completedAt: null });
}

/** The run's state at server time `now`. */
export function runState(run: RunRecord, now: number, cancelDelayMs: number): RunState {
  const { phases, start } = phasesOf(run);
  const { jobs, runEnd } = scheduleJobs(run, start);
  phases.push(['in_progress', runEnd]);
  let status: RunState['status'] = 'completed';
  let phaseStart = run.createdAt;
  let waitingSince: number | undefined;
  for (const [name, end] of phases) {
    if (now < end) {
      status = name;
      if (name === 'waiting') waitingSince = phaseStart;
      break;
    }
    phaseStart = Math.max(phaseStart, end);
  }
  let conclusion: string | null = status === 'completed' ? (run.plan.conclusion ?? 'success') : null;
  let updatedAt = Math.min(now, status === 'completed' ? runEnd : phaseStart);
  const cancelledAt =
    run.cancelRequestedAt !== undefined && run.cancelRequestedAt < runEnd
      ? run.cancelRequestedAt + cancelDelayMs
      : Infinity;
  if (now >= cancelledAt) {
    status = 'completed';
    conclusion = 'cancelled';
    updatedAt = cancelledAt;
    waitingSince = undefined;
    applyCancel(jobs, cancelledAt);
  }
  // Project job/step states onto `now`.
  const visibleNow = status === 'completed' ? Infinity : now;
  for (const job of jobs) {
    if (status !== 'completed' && status !== 'in_progress') resetToQueued(job);
    else projectOnto(job, visibleNow);
  }
  const waiting = waitingSince === undefined ? {} : { waitingSince };
  return { status, conclusion, updatedAt, startedAt: start, jobs, ...waiting };
}

function projectOnto(job: JobState, now: number): void {
  if (job.startedAt === null || now < job.startedAt) {
    resetToQueued(job);
    return;
  }
  if (job.completedAt !== null && now >= job.completedAt) {
    job.status = 'completed';
    for (const st of job.steps) st.status = 'completed';
    return;
  }
  job.status = 'in_progress';
  job.conclusion = null;
  job.completedAt = null;
  for (const st of job.steps) {
    if (st.completedAt !== null && now >= st.completedAt) st.status = 'completed';
    else if (st.startedAt !== null && now >= st.startedAt) {
      st.status = 'in_progress';
      st.conclusion = null;
      st.completedAt = null;
    } else Object.assign(st, { status: 'queued', conclusion: null, startedAt: null, completedAt: null });
  }
}
