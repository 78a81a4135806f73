/**
 * GitHub failures as typed HostingErrors: the cause in words and the fix. Never includes the token, request
 * objects or headers: the original error is reduced to its status and message.
 */
import { HostingError, PreconditionError, RemoteError } from '../errors.js';

/** What a failed Octokit request tells us, without the request object. */
export interface HttpFailure {
  status: number | undefined;
  message: string;
  headers: Record<string, string | undefined>;
}

export function httpFailure(error: unknown): HttpFailure {
  const e = error as {
    status?: unknown;
    message?: unknown;
    response?: { headers?: Record<string, unknown>; data?: unknown };
    name?: unknown;
  };
  const status = typeof e?.status === 'number' ? e.status : undefined;
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(e?.response?.headers ?? {}))
    headers[k.toLowerCase()] = v === undefined ? undefined : String(v);
  const data = e?.response?.data as { message?: unknown } | undefined;
  const message =
    typeof data?.message === 'string'
      ? data.message
      : typeof e?.message === 'string'
        ? e.message.replace(/ - https:\/\/docs\.github\.com\S*/, '')
        : String(error);
  return { status, message: message.slice(0, 500), headers };
}

/** A network failure (no HTTP answer) or a 5xx: transient, and for a POST ambiguous. */
export function isTransient(f: HttpFailure): boolean {
  return f.status === undefined || f.status >= 500 || f.status === 408;
}

export function isRateLimited(f: HttpFailure): boolean {
  if (f.status === 429) return true;
  if (f.status !== 403) return false;
  return (
    f.headers['x-ratelimit-remaining'] === '0' ||
    f.headers['retry-after'] !== undefined ||
    /rate limit/i.test(f.message)
  );
}

/** Cause without secrets: status and message only. */
export function safeCause(f: HttpFailure): Error {
  const err = new Error(f.status === undefined ? f.message : `HTTP ${f.status}: ${f.message}`);
  err.name = 'GitHubRequestError';
  return err;
}

export interface FailureContext {
  /** What we tried, e.g. `read repository acme/infra`. */
  action: string;
  repo: string;
  baseUrl: string;
  workflow?: string | undefined;
}

const TOKEN_FIX = (repo: string) =>
  `A job's own GITHUB_TOKEN can only act on the repository the job runs in, so it cannot dispatch workflows in ${repo}. ` +
  `Use a GitHub App installation token (actions/create-github-app-token, with the app installed on ${repo} and Actions: write) ` +
  `or a fine-grained personal access token with Actions: write and Contents: read on ${repo}.`;

/** Translate any failure of a GitHub request into a HostingError with a cause and a fix. */
export function gitHubError(error: unknown, ctx: FailureContext): HostingError {
  if (error instanceof HostingError) return error;
  const f = httpFailure(error);
  const cause = safeCause(f);
  const details = {
    repository: ctx.repo,
    status: f.status,
    ...(ctx.workflow ? { workflow: ctx.workflow } : {}),
  };
  if (f.status === 401) {
    return new PreconditionError(
      'GITHUB_UNAUTHORIZED',
      `GitHub rejected the token (401 ${f.message}) when trying to ${ctx.action} at ${ctx.baseUrl}.`,
      {
        fix: 'The token is invalid, expired or revoked, or belongs to another GitHub server. Create a new one, and for GitHub Enterprise set GITHUB_API_URL to its API URL (https://HOST/api/v3).',
        cause,
        details,
      },
    );
  }
  if (isRateLimited(f)) {
    const reset = Number(f.headers['x-ratelimit-reset']);
    const when =
      Number.isFinite(reset) && reset > 0 ? ` It resets at ${new Date(reset * 1000).toISOString()}.` : '';
    return new RemoteError(
      'github',
      'GITHUB_RATE_LIMITED',
      `GitHub's rate limit stopped us while trying to ${ctx.action}.${when}`,
      {
        fix: 'Wait for the limit to reset and deploy again; use a GitHub App token (higher limits) for busy pipelines.',
        cause,
        details,
      },
    );
  }
  if (f.status === 403) {
    const integration = /not accessible by (integration|personal access token)/i.test(f.message);
    return new PreconditionError(
      'GITHUB_FORBIDDEN',
      `GitHub refused to ${ctx.action} (403 "${f.message}").${integration ? ` The token may read ${ctx.repo} but is not allowed to run its workflows.` : ''}`,
      {
        fix: integration
          ? TOKEN_FIX(ctx.repo)
          : `Give the token access to ${ctx.repo} (Actions: write, Contents: read); if the organization uses SAML single sign-on, authorize the token for it.`,
        cause,
        details,
      },
    );
  }
  if (f.status === 404) {
    return new PreconditionError(
      'INFRA_REPO_NOT_FOUND',
      `GitHub answered 404 Not Found when trying to ${ctx.action}: ${ctx.repo} does not exist, or the token cannot see it (GitHub answers 404 for private repositories a token has no access to).`,
      {
        fix: `Check the infra repository name (--infra-repo / infra-repository / HOSTING_INFRA_REPO). ${TOKEN_FIX(ctx.repo)}`,
        cause,
        details,
      },
    );
  }
  if (isTransient(f)) {
    return new RemoteError(
      'github',
      'GITHUB_UNAVAILABLE',
      `GitHub did not answer properly when trying to ${ctx.action} (${f.status === undefined ? f.message : `HTTP ${f.status}`}), even after retries.`,
      {
        fix: 'Check https://www.githubstatus.com (or your GitHub Enterprise server) and the network, then deploy again.',
        cause,
        details,
      },
    );
  }
  return new RemoteError(
    'github',
    'GITHUB_REQUEST_FAILED',
    `GitHub refused to ${ctx.action} (HTTP ${f.status}: ${f.message}).`,
    {
      fix: 'Check the infra repository, workflow and ref settings; re-run with --debug for details.',
      cause,
      details,
    },
  );
}
