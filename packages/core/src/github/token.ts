import { execFile } from 'node:child_process';

export type GitHubTokenSource = 'input' | 'GITHUB_TOKEN' | 'GH_TOKEN' | 'gh auth token';

export interface ResolvedGitHubToken {
  /** The token. A secret: register it with the Reporter before use, never print it. */
  token: string;
  /** Where it came from, safe to show. */
  source: GitHubTokenSource;
}

export interface ResolveGitHubTokenOptions {
  /** The `github-token` input, when given (empty means not given). */
  input?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  /** Ask the GitHub CLI (`gh auth token`) when nothing else gives a token: local runs only. */
  allowGhCli: boolean;
  /** Override how `gh` is run (tests). Resolves to its stdout, or undefined when gh is missing / not logged in. */
  runGh?: (() => Promise<string | undefined>) | undefined;
}

/**
 * The GitHub token: the input, else GITHUB_TOKEN, else GH_TOKEN, else (when allowed) `gh auth token` if the GitHub
 * CLI is installed and logged in. Undefined when there is none. The CLI is asked for the host of GITHUB_API_URL
 * (GH_HOST) when that is a GitHub Enterprise server.
 */
export async function resolveGitHubToken(options: ResolveGitHubTokenOptions): Promise<string | undefined> {
  return (await resolveGitHubTokenWithSource(options))?.token;
}

/** Like resolveGitHubToken, also saying where the token came from (safe to show). */
export async function resolveGitHubTokenWithSource(
  options: ResolveGitHubTokenOptions,
): Promise<ResolvedGitHubToken | undefined> {
  const clean = (v: string | undefined) => {
    const t = v?.trim();
    return t ? t : undefined;
  };
  const input = clean(options.input);
  if (input) return { token: input, source: 'input' };
  const gt = clean(options.env.GITHUB_TOKEN);
  if (gt) return { token: gt, source: 'GITHUB_TOKEN' };
  const gh = clean(options.env.GH_TOKEN);
  if (gh) return { token: gh, source: 'GH_TOKEN' };
  if (!options.allowGhCli) return undefined;
  const run = options.runGh ?? (() => ghAuthToken(options.env));
  const out = clean(await run());
  return out ? { token: out, source: 'gh auth token' } : undefined;
}

function ghAuthToken(env: Readonly<Record<string, string | undefined>>): Promise<string | undefined> {
  const args = ['auth', 'token'];
  const api = env.GITHUB_API_URL;
  if (api) {
    try {
      const host = new URL(api).host;
      if (host && host !== 'api.github.com') args.push('--hostname', host);
    } catch {
      // not a URL: let gh use its default host
    }
  }
  return new Promise((resolve) => {
    execFile(
      'gh',
      args,
      { timeout: 10_000, windowsHide: true, env: { ...process.env, GH_PROMPT_DISABLED: '1' } },
      (error, stdout) => {
        // Missing gh (ENOENT), not logged in (exit 1): no token. Its stderr is not shown: it may echo host details only.
        resolve(error ? undefined : String(stdout).trim() || undefined);
      },
    );
  });
}
