/** A run waiting on an environment approval: which environment(s) and who may approve. */
import type { RunUpdate } from '../ports/ports.js';
import type { GitHubContext } from './context.js';
import { httpFailure } from './errors.js';

export interface ApprovalAnswer {
  value: RunUpdate['approval'];
  /** Whether the request counted against the rate limit. */
  counted: boolean;
}

export async function pendingApproval(
  gh: GitHubContext,
  run: { owner: string; repo: string; id: number },
  signal: AbortSignal | undefined,
): Promise<ApprovalAnswer> {
  const { owner, repo } = run;
  try {
    const res = await gh.client.rest.actions.getPendingDeploymentsForRun({
      owner,
      repo,
      run_id: run.id,
      request: { retries: 1, signal: gh.signal(signal) },
    });
    if (!res.data[0]) return { value: undefined, counted: true };
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
