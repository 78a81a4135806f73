/**
 * Dispatching the infra workflow and identifying exactly the run it created. Under REST API 2026-03-10 the
 * dispatch answers 200 with the run (and takes no `return_run_details`); under 2022-11-28 (older GitHub
 * Enterprise) we ask for `return_run_details`, and where the server rejects that too, or the answer is lost,
 * we find the run in the run list. A dispatch is never re-sent blindly: after an unclear answer we look for
 * its run first.
 */
import { HostingError, PreconditionError, RemoteError } from '../errors/errors.js';
import type { AdapterNames } from '../inputs/names.js';
import type { RunRef, WorkflowTarget } from '../ports/ports.js';
import { FALLBACK_API_VERSION } from './api-version.js';
import { type GitHubContext, shortRef, workflowId } from './context.js';
import {
  gitHubError,
  type HttpFailure,
  httpFailure,
  isRateLimited,
  isTransient,
  safeCause,
} from './errors.js';
import type { WorkflowFacts } from './facts.js';
import { findRun, snapshotRuns } from './find-run.js';
import { expectedRunTitle } from './workflow-file.js';

/** One dispatch, across its sends. */
interface Attempt {
  target: WorkflowTarget;
  /** The ref as the run list shows it. */
  ref: string;
  expectedTitle: string | undefined;
  login: Promise<string | undefined>;
  snapshot: Set<number> | undefined;
  sends: number;
  /** Our clock when the dispatch began: sends and searches after failures end by callDeadlineMs from it. */
  started: number;
  /** Sends refused by a rate limit and waited out. */
  rateLimited: number;
}

interface DispatchResponse {
  status: number;
  data: unknown;
}

export class Dispatcher {
  /** Under 2022-11-28: false once the server rejected `return_run_details` (older GitHub Enterprise). */
  private supportsRunDetails: boolean | undefined;
  private loginPromise: Promise<string | undefined> | undefined;

  constructor(
    private readonly gh: GitHubContext,
    private readonly facts: WorkflowFacts,
  ) {}

  async dispatch(target: WorkflowTarget): Promise<RunRef> {
    const facts = await this.facts.read(target, undefined).catch(() => undefined);
    const attempt: Attempt = {
      target,
      ref: shortRef(target.ref),
      expectedTitle: expectedRunTitle(facts?.runName, target.inputs),
      login: this.login(),
      snapshot: undefined,
      sends: 0,
      started: this.gh.clock.now(),
      rateLimited: 0,
    };
    // Known not to return run ids, or no server clock to compare created_at with: remember the runs that exist.
    if (this.supportsRunDetails === false || this.gh.serverSkewMs === undefined)
      attempt.snapshot = await snapshotRuns(this.gh, target);
    for (;;) {
      // 2026-03-10 returns the run by itself; only 2022-11-28 needs (and accepts) return_run_details.
      const withDetails = this.gh.apiVersion === FALLBACK_API_VERSION && this.supportsRunDetails !== false;
      const dispatchedAt = this.gh.clock.now();
      attempt.sends++;
      try {
        const res = await this.send(target, withDetails);
        return await this.runOf(res, attempt, dispatchedAt);
      } catch (error) {
        if (error instanceof HostingError) throw error;
        const found = await this.afterFailure(error, attempt, withDetails, dispatchedAt);
        if (found) return found;
      }
    }
  }

  private login(): Promise<string | undefined> {
    this.loginPromise ??= this.gh.client.rest.users
      .getAuthenticated({ request: { signal: this.gh.signal() } })
      .then((r) => r.data.login)
      .catch(() => undefined); // installation tokens (GitHub App, GITHUB_TOKEN) may not read /user
    return this.loginPromise;
  }

  private send(target: WorkflowTarget, withDetails: boolean): Promise<DispatchResponse> {
    return this.gh.client.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
      owner: target.owner,
      repo: target.repo,
      workflow_id: workflowId(target.workflow),
      ref: target.ref,
      inputs: { ...target.inputs },
      ...(withDetails ? { return_run_details: true } : {}),
      // Never re-sent automatically: a lost answer may still have created a run (see afterFailure).
      request: { retries: 0, signal: this.gh.signal() },
    });
  }

  /** 200 names the run (2026-03-10, or run details under 2022-11-28); 204 (no details) means finding it. */
  private async runOf(res: DispatchResponse, a: Attempt, dispatchedAt: number): Promise<RunRef> {
    const { owner, repo } = a.target;
    const data = res.data as { workflow_run_id?: number; html_url?: string } | undefined;
    if (res.status === 200 && data && typeof data.workflow_run_id === 'number') {
      this.supportsRunDetails = true;
      this.gh.rememberRun(data.workflow_run_id, a.target);
      return {
        id: data.workflow_run_id,
        url: data.html_url ?? this.gh.guessRunUrl(owner, repo, data.workflow_run_id),
      };
    }
    return (await findRun(this.gh, a.target, a.ref, {
      dispatchedAt,
      snapshot: a.snapshot,
      login: await a.login,
      expectedTitle: a.expectedTitle,
      timeoutMs: this.gh.tuning.findRunTimeoutMs,
    })) as RunRef;
  }

  /**
   * A dispatch refused by a rate limit created no run: wait as long as GitHub asks and send it again, when
   * that fits in the dispatch's deadline (at most three times). False: not waited (the failure stands).
   */
  private async waitOutRateLimit(f: HttpFailure, a: Attempt): Promise<boolean> {
    const { callDeadlineMs, requestTimeoutMs } = this.gh.tuning;
    const waitMs = rateLimitWaitMs(f, this.gh.clock.now());
    const left = a.started + callDeadlineMs - this.gh.clock.now();
    if (waitMs === undefined || a.rateLimited >= 3 || waitMs + requestTimeoutMs > left) return false;
    a.rateLimited++;
    a.sends--;
    this.gh.onRetry(
      `GitHub's rate limit refused the dispatch (HTTP ${f.status}); retrying in ${Math.round(waitMs / 100) / 10} s as GitHub asks`,
    );
    await this.gh.clock.sleep(waitMs);
    return true;
  }

  /** After a failed send: throw, answer the run found after all, or undefined to send again. */
  private async afterFailure(
    error: unknown,
    a: Attempt,
    withDetails: boolean,
    dispatchedAt: number,
  ): Promise<RunRef | undefined> {
    const { target } = a;
    const full = `${target.owner}/${target.repo}`;
    const f = httpFailure(error);
    if (f.status === 400 || f.status === 422) {
      const known = dispatchRejection(f, target, this.gh.names);
      if (known) throw known;
      if (!withDetails) throw rejected(f, target);
      this.supportsRunDetails = false;
      this.gh.log(
        `${this.gh.baseUrl} does not support return_run_details (HTTP ${f.status}); dispatching without it and identifying the run from the run list.`,
      );
      a.snapshot = await snapshotRuns(this.gh, target);
      a.sends--;
      return undefined;
    }
    if (isRateLimited(f) && (await this.waitOutRateLimit(f, a))) return undefined;
    if (!isTransient(f)) {
      throw gitHubError(error, this.gh.ctx(target, `dispatch workflow ${target.workflow} in ${full}`));
    }
    // The dispatch may or may not have happened: look for the run before sending it again, within the
    // dispatch's deadline (a GitHub that never answers ends it in about a minute, not three full rounds).
    const { callDeadlineMs, findAfterFailureMs, requestTimeoutMs } = this.gh.tuning;
    const left = () => a.started + callDeadlineMs - this.gh.clock.now();
    const findMs = Math.max(0, Math.min(findAfterFailureMs, left() - requestTimeoutMs));
    const answer = f.status === undefined ? f.message : `HTTP ${f.status}`;
    this.gh.log(
      `The dispatch got no clear answer (${answer}); looking for the run it may have created before retrying the dispatch.`,
    );
    const found = await findRun(this.gh, target, a.ref, {
      dispatchedAt,
      snapshot: a.snapshot,
      login: await a.login,
      expectedTitle: a.expectedTitle,
      timeoutMs: findMs,
      allowNone: true,
    });
    if (found) return found;
    if (a.sends >= 3 || left() < requestTimeoutMs)
      throw gitHubError(error, this.gh.ctx(target, `dispatch ${target.workflow} in ${full}`));
    this.gh.onRetry(
      `GitHub gave the dispatch no clear answer (${answer}) and no run of it appeared; retrying the dispatch (attempt ${a.sends + 1})`,
    );
    return undefined;
  }
}

/** How long a rate-limited answer asks to wait (Retry-After, or until the limit resets); undefined: not said. */
function rateLimitWaitMs(f: HttpFailure, now: number): number | undefined {
  const retryAfter = Number(f.headers['retry-after']);
  if (f.headers['retry-after'] !== undefined && Number.isFinite(retryAfter))
    return Math.max(0, retryAfter) * 1000;
  const reset = Number(f.headers['x-ratelimit-reset']);
  if (f.headers['x-ratelimit-remaining'] === '0' && Number.isFinite(reset))
    return Math.max(1000, reset * 1000 - now);
  return undefined;
}

function rejected(f: HttpFailure, target: WorkflowTarget): RemoteError {
  const full = `${target.owner}/${target.repo}`;
  return new RemoteError(
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

/** A 400/422 on dispatch whose cause GitHub names. */
function dispatchRejection(
  f: HttpFailure,
  target: WorkflowTarget,
  names: Pick<AdapterNames, 'infraRef'>,
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
        fix: `Declare exactly these workflow_dispatch inputs in the workflow: ${Object.keys(target.inputs).join(', ')}.`,
        cause,
        details,
      },
    );
  }
  if (/no ref found|ref.*not found/i.test(m)) {
    return new PreconditionError('REF_NOT_FOUND', `Ref "${target.ref}" does not exist in ${full} (${m}).`, {
      fix: `Check ${names.infraRef}: a branch or tag of the infra repository.`,
      cause,
      details,
    });
  }
  return undefined;
}
