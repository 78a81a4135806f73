/** Cancelling a run. A run that already completed (409) counts as done. */
import type { RunRef } from '../ports/ports.js';
import type { GitHubContext } from './context.js';
import { gitHubError, httpFailure } from './errors.js';

export async function cancelRun(gh: GitHubContext, run: RunRef): Promise<void> {
  const { owner, repo } = gh.repoOf(run);
  try {
    await gh.client.rest.actions.cancelWorkflowRun({
      owner,
      repo,
      run_id: run.id,
      // One retry only: a run that already completed answers 409 on every attempt, and the retry plugin
      // would otherwise spend ~14 s retrying it (409 is not in its do-not-retry list).
      request: { signal: AbortSignal.timeout(gh.tuning.requestTimeoutMs), retries: 1 } as {
        signal: AbortSignal;
      },
    });
  } catch (error) {
    if (httpFailure(error).status === 409) return; // already completed
    throw gitHubError(error, {
      action: `cancel run ${run.id}`,
      repo: `${owner}/${repo}`,
      baseUrl: gh.baseUrl,
      names: gh.names,
    });
  }
}
