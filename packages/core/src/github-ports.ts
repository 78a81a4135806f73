/**
 * GitHub alone: the infra workflows through a GitHub App or a token. Part of the real ports, and all that
 * a caller needing only GitHub builds (the Action's post step cancelling a run): no AWS, no builder.
 */
import type { GitHubInfraWorkflows } from './github/index.js';
import type { AdapterNames } from './inputs/names.js';
import type { Reporter } from './ports/events.js';
import { type Clock, systemClock } from './ports/ports.js';

export interface GitHubPortsOptions {
  env: Readonly<Record<string, string | undefined>>;
  reporter: Reporter;
  /** Explicit token (Action input); else GITHUB_TOKEN, GH_TOKEN, then `gh auth token` when allowGhCli. */
  githubToken?: string | undefined;
  /** A GitHub App instead of a token (Action inputs); else HOSTING_GITHUB_APP_ID and ..._PRIVATE_KEY[_FILE]. */
  githubAppId?: string | undefined;
  githubAppPrivateKey?: string | undefined;
  /** What the App's tokens may do: `read` for read-only commands (status, history). Default `write`. */
  githubAccess?: 'write' | 'read' | undefined;
  /** Each GitHub App token as it is minted (the Action saves them for its post step). Already masked. */
  onGitHubToken?: ((token: string) => void) | undefined;
  allowGhCli?: boolean | undefined;
  clock?: Clock | undefined;
  /** A retry of a request that got no answer ("GitHub did not answer within 15 s …; retrying"): a progress line. */
  onRetry?: ((message: string) => void) | undefined;
  /** How the adapter calls the settings the ports' messages name (infra repository, region, builder, ...). */
  names: AdapterNames;
}

export interface GitHubPorts {
  /** undefined without a token or an App (only a dry run can proceed). */
  workflows: GitHubInfraWorkflows | undefined;
  /** The GitHub token in use (a secret), when one was found (not with an App). */
  githubToken: string | undefined;
}

/** GitHub through a GitHub App, or a token (never both), or nothing (only a dry run can proceed). */
export async function createGitHubPorts(options: GitHubPortsOptions): Promise<GitHubPorts> {
  const github = await import('./github/index.js');
  const { env, reporter } = options;
  const clock = options.clock ?? systemClock;
  const app = github.resolveGitHubApp({
    appId: options.githubAppId,
    privateKey: options.githubAppPrivateKey,
    env,
  });
  const common = {
    names: options.names,
    baseUrl: env.GITHUB_API_URL,
    clock,
    log: (message: string) => reporter.emit({ type: 'debug', message, at: clock.now() }),
    onRetry: options.onRetry,
  };
  if (app) {
    for (const secret of [app.privateKey, ...app.privateKey.split('\n')])
      if (secret.trim().length >= 16) reporter.registerSecret?.(secret.trim());
    const explicit = [options.githubToken, env.GITHUB_TOKEN, env.GH_TOKEN].some((t) => t?.trim());
    if (explicit) throw github.bothGivenError();
    const onToken = (token: string) => {
      reporter.registerSecret?.(token);
      options.onGitHubToken?.(token);
    };
    const access = options.githubAccess ?? 'write';
    const workflows = await github.createGitHubWorkflows({
      ...common,
      app: { credentials: app, access, onToken },
    });
    return { workflows, githubToken: undefined };
  }
  const githubToken = await github.resolveGitHubToken({
    input: options.githubToken,
    env,
    allowGhCli: options.allowGhCli ?? false,
  });
  if (!githubToken) return { workflows: undefined, githubToken };
  reporter.registerSecret?.(githubToken);
  return { workflows: await github.createGitHubWorkflows({ ...common, token: githubToken }), githubToken };
}
