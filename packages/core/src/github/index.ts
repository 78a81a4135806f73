/**
 * GitHub implementation of the `InfraWorkflows` port. Importing this module does not load Octokit:
 * `createGitHubWorkflows` imports it on first use.
 */
import type { InfraWorkflows } from '../ports/ports.js';
import { systemClock } from '../ports/ports.js';
import type { GitHubWorkflowsOptions } from './options.js';

export type { GitHubAccess, GitHubAppCredentials } from './app-auth.js';
export { bothGivenError, type ResolveGitHubAppOptions, resolveGitHubApp } from './app-credentials.js';
export type { GitHubAppOptions, GitHubTuning, GitHubWorkflowsOptions } from './options.js';

/** The GitHub `InfraWorkflows`, plus the end of its life: revoke the App tokens it minted. */
export type GitHubInfraWorkflows = InfraWorkflows & { close(): Promise<void> };

export {
  type GitHubTokenSource,
  type ResolvedGitHubToken,
  type ResolveGitHubTokenOptions,
  resolveGitHubToken,
  resolveGitHubTokenWithSource,
} from './token.js';

/** The GitHub `InfraWorkflows`. Loads Octokit (dynamic import) on first call. */
export async function createGitHubWorkflows(options: GitHubWorkflowsOptions): Promise<GitHubInfraWorkflows> {
  const { GitHubWorkflows } = await import('./workflows.js');
  const baseUrl = (options.baseUrl || process.env.GITHUB_API_URL || 'https://api.github.com').replace(
    /\/+$/,
    '',
  );
  return new GitHubWorkflows({ ...options, baseUrl, clock: options.clock ?? systemClock });
}

/** Revoke GitHub App installation tokens another process minted (the Action's post step). Loads Octokit. */
export async function revokeGitHubAppTokens(options: {
  baseUrl?: string | undefined;
  tokens: readonly string[];
  log?: (message: string) => void;
}): Promise<number> {
  const { revokeGitHubAppTokens: revoke } = await import('./app-auth.js');
  const baseUrl = (options.baseUrl || process.env.GITHUB_API_URL || 'https://api.github.com').replace(
    /\/+$/,
    '',
  );
  return revoke({ ...options, baseUrl });
}
