/**
 * Finding the run a dispatch created, when the server does not return its id (older GitHub Enterprise) or the
 * dispatch got no clear answer: the newest matching run in the workflow's run list.
 */
import { PreconditionError, RemoteError } from '../errors/errors.js';
import type { RunRef, WorkflowTarget } from '../ports/ports.js';
import { type ApiRun, type GitHubContext, shortRef } from './context.js';
import { gitHubError, httpFailure, isRateLimited, isTransient } from './errors.js';
import { formatElapsed } from './timing.js';

export interface FindRunOptions {
  /** Our clock at the dispatch. */
  dispatchedAt: number;
  /** Ids of the runs that existed before the dispatch. */
  snapshot: Set<number> | undefined;
  /** The token's login, when GitHub tells it. */
  login: string | undefined;
  /** The run title the run-name predicts, when it does. */
  expectedTitle: string | undefined;
  timeoutMs: number;
  /** Answer undefined instead of RUN_NOT_FOUND when nothing appears in time. */
  allowNone?: boolean;
}

/** The ids of the runs that exist now, to tell a new run from them. */
export async function snapshotRuns(gh: GitHubContext, target: WorkflowTarget): Promise<Set<number>> {
  try {
    return new Set((await gh.listRuns(target, shortRef(target.ref))).map((r) => r.id));
  } catch (error) {
    throw gitHubError(error, gh.ctx(target, `list runs of ${target.workflow}`));
  }
}

/**
 * The run our dispatch created: the workflow's newest workflow_dispatch run on the ref, created after the
 * dispatch (allowing for clock skew and whole-second timestamps), by our login when known, not seen before the
 * dispatch, and with the expected title when the run-name shows the inputs. Two candidates: RUN_AMBIGUOUS.
 */
export async function findRun(
  gh: GitHubContext,
  target: WorkflowTarget,
  ref: string,
  o: FindRunOptions,
): Promise<RunRef | undefined> {
  // created_at has whole seconds and the server clock may differ from ours: the skew estimate from Date headers
  // is a lower bound within one second; without one, allow a minute (and rely on the snapshot).
  const tolerance = gh.serverSkewMs === undefined ? 60_000 : 2000;
  const lowerBound = o.dispatchedAt + (gh.serverSkewMs ?? 0) - tolerance;
  const start = gh.clock.now();
  let delay = 1000;
  for (;;) {
    // Each look ends with the search (at least a second): a list that never answers cannot outlast it.
    const left = Math.max(1000, o.timeoutMs - (gh.clock.now() - start));
    const runs = await listOrNone(gh, target, ref, o.login, AbortSignal.timeout(left));
    const candidates = runs.filter((r) => isCandidate(r, ref, lowerBound, o));
    const [only] = candidates;
    if (candidates.length === 1 && only) {
      gh.rememberRun(only.id, target);
      return { id: only.id, url: only.html_url, ...(only.run_number ? { runNumber: only.run_number } : {}) };
    }
    if (candidates.length > 1) throw ambiguous(target, ref, o.login, candidates);
    const elapsed = gh.clock.now() - start;
    if (elapsed >= o.timeoutMs) {
      if (o.allowNone) return undefined;
      throw notFound(target, ref, elapsed);
    }
    await gh.clock.sleep(Math.min(delay, Math.max(0, o.timeoutMs - elapsed)));
    delay = Math.min(5000, Math.round(delay * 1.5));
  }
}

/** The run list; empty when GitHub answers with a transient failure or a rate limit (we look again). */
async function listOrNone(
  gh: GitHubContext,
  target: WorkflowTarget,
  ref: string,
  login: string | undefined,
  signal: AbortSignal,
): Promise<ApiRun[]> {
  try {
    return await gh.listRuns(target, ref, login, signal);
  } catch (error) {
    const f = httpFailure(error);
    if (!isTransient(f) && !isRateLimited(f))
      throw gitHubError(error, gh.ctx(target, `list runs of ${target.workflow}`));
    return [];
  }
}

function isCandidate(r: ApiRun, ref: string, lowerBound: number, o: FindRunOptions): boolean {
  const actor = r.actor?.login ?? r.triggering_actor?.login;
  return (
    (r.event === undefined || r.event === 'workflow_dispatch') &&
    Date.parse(r.created_at) >= lowerBound &&
    !o.snapshot?.has(r.id) &&
    (!o.login || actor?.toLowerCase() === o.login.toLowerCase()) &&
    (r.head_branch === undefined || r.head_branch === null || r.head_branch === ref) &&
    // Confirmed by the title where the server shows one and the run-name makes it predictable.
    (o.expectedTitle === undefined || r.display_title === undefined || r.display_title === o.expectedTitle)
  );
}

function ambiguous(
  target: WorkflowTarget,
  ref: string,
  login: string | undefined,
  candidates: readonly ApiRun[],
): PreconditionError {
  const full = `${target.owner}/${target.repo}`;
  return new PreconditionError(
    'RUN_AMBIGUOUS',
    `${candidates.length} runs of ${target.workflow} in ${full}@${ref} started${login ? ` by ${login}` : ''} at the time of this dispatch, and nothing tells which one is ours: ${candidates.map((c) => c.html_url).join(', ')}. Not guessing.`,
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

function notFound(target: WorkflowTarget, ref: string, elapsed: number): RemoteError {
  const full = `${target.owner}/${target.repo}`;
  return new RemoteError(
    'github',
    'RUN_NOT_FOUND',
    `GitHub accepted the dispatch of ${target.workflow} in ${full}@${ref}, but its run did not appear in the run list within ${formatElapsed(elapsed)}, so it could not be followed.`,
    {
      fix: `Look at the Actions tab of ${full}; if the run is there, follow it by hand. Runs can take a while to be listed when GitHub is slow.`,
      // The dispatch was accepted: a run deploys what the parameter holds, so nothing is to be restored.
      details: { repository: full, workflow: target.workflow, ref, dispatched: 'yes' },
    },
  );
}
