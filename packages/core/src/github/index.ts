/**
 * GitHub implementation of the `InfraWorkflows` port. Importing this module does not load Octokit:
 * `createGitHubWorkflows` imports it on first use.
 */
import type { InfraWorkflows } from '../ports/ports.js';
import { systemClock } from '../ports/ports.js';
import type { GitHubWorkflowsOptions } from './options.js';

export type { GitHubTuning, GitHubWorkflowsOptions } from './options.js';

export {
  type GitHubTokenSource,
  type ResolvedGitHubToken,
  type ResolveGitHubTokenOptions,
  resolveGitHubToken,
  resolveGitHubTokenWithSource,
} from './token.js';

/** The GitHub `InfraWorkflows`. Loads Octokit (dynamic import) on first call. */
export async function createGitHubWorkflows(options: GitHubWorkflowsOptions): Promise<InfraWorkflows> {
  const { GitHubWorkflows } = await import('./workflows.js');
  const baseUrl = (options.baseUrl || process.env.GITHUB_API_URL || 'https://api.github.com').replace(
    /\/+$/,
    '',
  );
  return new GitHubWorkflows({ ...options, baseUrl, clock: options.clock ?? systemClock });
}
