/**
 * Following one run to completion: conditional polls (ETag), an interval that grows with the run's age and
 * with failures, GitHub's rate limits respected on the injected clock, jobs/steps and approvals reported
 * (each approval once), and the deadline. The state of one wait lives in one `RunPoller`.
 */
import { InterruptedError, RemoteError, TimeoutError } from '../errors/errors.js';
import type { FailedJob, RunRef, RunResult, RunStatus, RunUpdate, WaitOptions } from '../ports/ports.js';
import { pendingApproval } from './approval.js';
import type { ApiRun, GitHubContext } from './context.js';
import {
  gitHubError,
  type HttpFailure,
  httpFailure,
  isRateLimited,
  isTransient,
  safeCause,
} from './errors.js';
import { failedJobs } from './failures.js';
import { type ApiJob, currentJobStep, fetchJobs } from './jobs.js';
import { formatElapsed, pollInterval } from './timing.js';

export type CancelRun = (run: RunRef) => Promise<void>;

/** After one poll: go on to report, or poll again at once (a rate-limit pause already happened). */
type Polled = 'polled' | 'again';

export class RunPoller {
  private readonly start: number;
  private readonly deadline: number;
  private readonly signal: AbortSignal | undefined;
  private readonly id: { owner: string; repo: string; id: number };
  /** The run as last reported; gains its number and html URL from the first answer. */
  private ref: RunRef;
  /** Requests that counted against the rate limit. */
  private requests = 0;
  private etag: string | undefined;
  private current: ApiRun | undefined;
  private jobsEtag: string | undefined;
  private jobs: ApiJob[] | undefined;
  private lastJobsAt = Number.NEGATIVE_INFINITY;
  private lastUpdateKey = '';
  /** Environments whose approval wait was reported: each once. */
  private readonly approvalsReported = new Set<string>();
  /** The approval was looked up in this waiting period. */
  private approvalChecked = false;
  /** Consecutive polls without a proper answer. */
  private transientStreak = 0;
  /** When the current streak of failed polls began, and what those polls got (`HTTP 503`, a network error). */
  private failingSince = 0;
  private readonly failures = new Set<string>();
  /** Least interval between polls that cost, to last until the rate limit resets. */
  private rateFloorMs = 0;

  constructor(
    private readonly gh: GitHubContext,
    run: RunRef,
    private readonly options: WaitOptions,
    private readonly cancel: CancelRun,
  ) {
    this.ref = run;
    this.id = { ...gh.repoOf(run), id: run.id };
    this.start = gh.clock.now();
    this.deadline = this.start + options.timeoutMs;
    this.signal = options.signal;
  }

  async wait(): Promise<RunResult> {
    for (;;) {
      if (this.signal?.aborted) await this.interrupted();
      if ((await this.poll()) === 'again') continue;
      if (await this.report()) return this.finish();
      const now = this.gh.clock.now();
      if (now >= this.deadline) return this.timedOut();
      // Look once more exactly at the deadline, so a run that just finished is not reported as timed out.
      await this.sleep(Math.min(this.nextInterval(now), this.deadline - now));
    }
  }

  /** 1. The run, conditionally. */
  private async poll(): Promise<Polled> {
    const { owner, repo, id } = this.id;
    try {
      const res = await this.gh.client.request('GET /repos/{owner}/{repo}/actions/runs/{run_id}', {
        owner,
        repo,
        run_id: id,
        headers: this.etag ? { 'if-none-match': this.etag } : {},
        request: { retries: 0, manualRateLimit: true, signal: this.gh.signal(this.signal) },
      });
      this.requests++;
      this.transientStreak = 0;
      this.noteRate(res.headers as Record<string, unknown>);
      this.etag = typeof res.headers.etag === 'string' ? res.headers.etag : undefined;
      const current = res.data as ApiRun;
      this.current = current;
      if (this.ref.runNumber === undefined && current.run_number)
        this.ref = { ...this.ref, runNumber: current.run_number, url: current.html_url || this.ref.url };
      return 'polled';
    } catch (error) {
      if (this.signal?.aborted) await this.interrupted();
      return this.pollFailed(error);
    }
  }

  private async pollFailed(error: unknown): Promise<Polled> {
    const { owner, repo, id } = this.id;
    const f = httpFailure(error);
    if (f.status === 304) {
      this.transientStreak = 0;
      this.noteRate(f.headers);
      return 'polled';
    }
    if (f.status !== undefined) this.requests++;
    if (isRateLimited(f)) {
      await this.pauseForRateLimit(f);
      return 'again';
    }
    const notYet = f.status === 404 && this.gh.clock.now() - this.start < this.gh.tuning.runNotFoundGraceMs;
    if (isTransient(f) || notYet) {
      this.noteFailure(f);
      if (this.transientStreak === 1 || this.transientStreak % 10 === 0) {
        this.gh.log(
          `GitHub did not answer properly (${f.status === undefined ? f.message : `HTTP ${f.status}`}); still waiting for run ${id}.`,
        );
      }
      return 'polled';
    }
    if (f.status === 404) {
      throw new RemoteError(
        'github',
        'RUN_NOT_FOUND',
        `Run ${id} in ${owner}/${repo} no longer exists (404): ${this.ref.url}`,
        {
          fix: 'The run was deleted, or the token lost access to the infra repository.',
          cause: safeCause(f),
        },
      );
    }
    throw gitHubError(error, {
      action: `read run ${id}`,
      repo: `${owner}/${repo}`,
      baseUrl: this.gh.baseUrl,
      names: this.gh.names,
    });
  }

  /** One more poll without a proper answer: the streak, since when, and what was answered. */
  private noteFailure(f: HttpFailure): void {
    if (this.transientStreak === 0) {
      this.failingSince = this.gh.clock.now();
      this.failures.clear();
    }
    this.transientStreak++;
    this.failures.add(f.status === undefined ? `no answer (${f.message})` : `HTTP ${f.status}`);
  }

  /** Wait as long as GitHub asks; a wait past the deadline ends now, saying the rate limit ended it. */
  private async pauseForRateLimit(f: HttpFailure): Promise<void> {
    const waitMs = this.rateLimitWait(f);
    if (this.gh.clock.now() + waitMs >= this.deadline) this.rateLimitedPastDeadline(waitMs, f.status);
    this.gh.log(`GitHub rate limit while waiting; pausing ${formatElapsed(waitMs)} as GitHub asks.`);
    await this.sleep(waitMs);
  }

  /** The run's state is unknown because GitHub's rate limit outlasts the wait: a remote failure, not a timeout. */
  private rateLimitedPastDeadline(waitMs: number, status: number | undefined): never {
    const { ref: run } = this;
    const elapsed = this.gh.clock.now() - this.start;
    const left = Math.max(0, this.deadline - this.gh.clock.now());
    const seen = this.current ? `last seen ${this.describe()}` : 'its state was never read';
    throw new RemoteError(
      'github',
      'GITHUB_RATE_LIMITED_WAITING',
      `GitHub's rate limit stopped the wait for the infra deployment: run ${run.id} answered HTTP ${status ?? 403} asking to wait ${formatElapsed(waitMs)}, more than the ${formatElapsed(left)} left of the ${formatElapsed(this.options.timeoutMs)} timeout (waited ${formatElapsed(elapsed)}; ${seen}). Whether the run finished is unknown: ${run.url}.`,
      {
        fix: `Open the run link to see how it ended. The limit lifts in ${formatElapsed(waitMs)}; other jobs using the same token spend it too: give this job its own token or GitHub App, or raise ${this.gh.names.timeout} to wait it out.`,
        details: { runUrl: run.url, runId: run.id, elapsedMs: elapsed, rateLimitWaitMs: waitMs },
      },
    );
  }

  /** How long a rate-limited answer asks us to wait. */
  private rateLimitWait(f: HttpFailure): number {
    const retryAfter = Number(f.headers['retry-after']);
    if (Number.isFinite(retryAfter) && retryAfter >= 0) return retryAfter * 1000;
    if (f.headers['x-ratelimit-remaining'] === '0') {
      const reset = Number(f.headers['x-ratelimit-reset']);
      if (Number.isFinite(reset)) return Math.max(1000, reset * 1000 - this.serverNow() + 1000);
    }
    return 60_000; // GitHub: wait at least a minute after a secondary limit without Retry-After
  }

  private serverNow(): number {
    return this.gh.clock.now() + (this.gh.serverSkewMs ?? 0);
  }

  private noteRate(headers: Record<string, unknown>): void {
    const remaining = Number(headers['x-ratelimit-remaining']);
    const reset = Number(headers['x-ratelimit-reset']);
    this.rateFloorMs = 0;
    if (Number.isFinite(remaining) && Number.isFinite(reset) && remaining < 50) {
      const untilReset = reset * 1000 - this.serverNow();
      this.rateFloorMs = Math.max(0, Math.round(untilReset / Math.max(1, remaining)));
    }
  }

  /** 2. Report what changed; true when the run completed. An abort in these lookups is an interrupt too. */
  private async report(): Promise<boolean> {
    try {
      return await this.reportStatus();
    } catch (error) {
      if (this.signal?.aborted) await this.interrupted();
      throw error;
    }
  }

  private async reportStatus(): Promise<boolean> {
    if (!this.current) return false;
    const status = (this.current.status ?? 'queued') as RunStatus;
    if (status === 'completed') return true;
    if (status !== 'waiting') this.approvalChecked = false;
    if (status === 'waiting') {
      if (!this.approvalChecked) await this.reportApproval(status);
    } else if (status !== 'in_progress') {
      this.emit({ status });
    } else if (this.options.onUpdate) {
      // Jobs only for a live display, and not on every poll.
      if (this.gh.clock.now() - this.lastJobsAt >= this.gh.tuning.jobsIntervalMs) await this.refreshJobs();
      const running = this.jobs ? currentJobStep(this.jobs) : undefined;
      this.emit({
        status,
        ...(running?.job ? { job: running.job } : {}),
        ...(running?.step ? { step: running.step } : {}),
      });
    }
    return false;
  }

  /** Once per waiting period; each environment is reported once. */
  private async reportApproval(status: RunStatus): Promise<void> {
    this.approvalChecked = true;
    const approval = await pendingApproval(this.gh, this.id, this.signal);
    if (approval.counted) this.requests++;
    const fresh =
      approval.value && !this.approvalsReported.has(approval.value.environment) ? approval.value : undefined;
    if (fresh) this.approvalsReported.add(fresh.environment);
    this.emit(fresh ? { status, approval: fresh } : { status });
  }

  private async refreshJobs(): Promise<void> {
    this.lastJobsAt = this.gh.clock.now();
    const got = await fetchJobs(this.gh, this.id, this.jobsEtag, this.signal);
    if (got.counted) this.requests++;
    if (got.jobs) {
      this.jobs = got.jobs;
      this.jobsEtag = got.etag;
    }
  }

  private emit(update: Omit<RunUpdate, 'run'>): void {
    const key = JSON.stringify([update.status, update.job, update.step, update.approval?.environment]);
    if (key === this.lastUpdateKey) return;
    this.lastUpdateKey = key;
    this.options.onUpdate?.({ run: this.ref, ...update });
  }

  /** 3. The time until the next poll. */
  private nextInterval(now: number): number {
    // Until the first answer, assume ETags work; a server that sends none gets polled less often.
    const conditional = this.etag !== undefined || this.current === undefined;
    let interval = pollInterval(now - this.start, conditional);
    // GitHub's 5xx are usually momentary: back off gently (linear, at most 10 s) and keep waiting.
    if (this.transientStreak > 0)
      interval = Math.min(10_000, Math.round(interval * (1 + 0.5 * (this.transientStreak - 1))));
    // Polls that cost (no ETags) are spread over what is left of the rate limit until it resets.
    if (!conditional) interval = Math.max(interval, this.rateFloorMs);
    return interval;
  }

  private async sleep(ms: number): Promise<void> {
    try {
      await this.gh.clock.sleep(Math.max(0, ms), this.signal);
    } catch (error) {
      if (this.signal?.aborted) await this.interrupted();
      throw error;
    }
  }

  /** 4. Completed: the conclusion, and what failed. */
  private async finish(): Promise<RunResult> {
    const conclusion = (this.current as ApiRun).conclusion ?? 'unknown';
    this.emit({ status: 'completed' });
    let failed: FailedJob[] = [];
    if (conclusion !== 'success') {
      try {
        const report = await failedJobs(this.gh, this.id, this.signal);
        this.requests += report.requests;
        failed = report.failed;
      } catch (error) {
        // Aborted while collecting the report: the run is over; report it without job details.
        if (!this.signal?.aborted) throw error;
      }
    }
    return { run: this.ref, conclusion, failedJobs: failed, requests: this.requests };
  }

  /** Status, job and step as last seen, for the timeout message. */
  private describe(): string {
    const parts = [`status ${this.current?.status ?? 'unknown'}`];
    const running = this.jobs ? currentJobStep(this.jobs) : undefined;
    if (running?.job) parts.push(`job "${running.job}"`);
    if (running?.step) parts.push(`step "${running.step}"`);
    return parts.join(', ');
  }

  private async interrupted(): Promise<never> {
    const ref = this.ref;
    const cancelIt = this.options.cancelOnInterrupt !== false;
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
  }

  /** At the deadline, after cancelling the run when asked: `cancelled` says how that went. */
  private async cancelAtDeadline(): Promise<string> {
    if (!this.options.cancelOnTimeout) return '';
    try {
      await this.cancel(this.ref);
      return ' The remote run was cancelled.';
    } catch (error) {
      return ` Cancelling the remote run failed (${error instanceof Error ? error.message : String(error)}).`;
    }
  }

  /**
   * GitHub kept failing: the polls up to the deadline got no proper answer for at least half of the wait,
   * so the wait did not time out on a slow run, it never learnt the run's state.
   */
  private keptFailing(now: number): boolean {
    return this.transientStreak > 0 && now - this.failingSince >= this.options.timeoutMs / 2;
  }

  private gitHubKeptFailing(elapsed: number, cancelled: string): never {
    const { ref: run } = this;
    const failingMs = this.gh.clock.now() - this.failingSince;
    const answers = [...this.failures].join(', ');
    const seen = this.current ? `last seen ${this.describe()}` : 'its state was never read';
    throw new RemoteError(
      'github',
      'GITHUB_UNAVAILABLE_WAITING',
      `GitHub kept failing while waiting for the infra deployment: ${this.transientStreak} polls in a row of run ${run.id} got ${answers}, for ${formatElapsed(failingMs)} until the ${formatElapsed(this.options.timeoutMs)} timeout (waited ${formatElapsed(elapsed)}; ${seen}). Whether the run finished is unknown: ${run.url}.${cancelled}`,
      {
        fix: 'Check https://www.githubstatus.com (or your GitHub Enterprise server) and the network; once GitHub answers, open the run link to see how it ended, and deploy again if it did not succeed.',
        details: { runUrl: run.url, runId: run.id, elapsedMs: elapsed, failingMs, answers },
      },
    );
  }

  private async timedOut(): Promise<never> {
    const { options, ref: run } = this;
    const state = this.describe();
    const now = this.gh.clock.now();
    const elapsed = now - this.start;
    const keptFailing = this.keptFailing(now);
    const cancelled = await this.cancelAtDeadline();
    if (keptFailing) this.gitHubKeptFailing(elapsed, cancelled);
    throw new TimeoutError(
      `The infra deployment did not finish within ${formatElapsed(options.timeoutMs)} (waited ${formatElapsed(elapsed)}; ${state}): ${run.url}.${cancelled}`,
      {
        fix: options.cancelOnTimeout
          ? `Open the run link to see where it stalled; raise ${this.gh.names.timeout} if it needs longer.`
          : `Open the run link to see where it is: it may still finish. Raise ${this.gh.names.timeout}, or pass ${this.gh.names.cancelOnTimeout} to cancel runs that exceed it.`,
        details: {
          runUrl: run.url,
          runId: run.id,
          elapsedMs: elapsed,
          cancelled: options.cancelOnTimeout === true && cancelled.includes('was cancelled'),
        },
      },
    );
  }
}
