/**
 * GitHub failures as typed HostingErrors: the cause in words and the fix. Never includes the token, request
 * objects or headers: the original error is reduced to its status and message.
 */
import { HostingError, PreconditionError, RemoteError } from '../errors/errors.js';
import type { AdapterNames } from '../inputs/names.js';

/** What a failed Octokit request tells us, without the request object. */
export interface HttpFailure {
  status: number | undefined;
  message: string;
  headers: Record<string, string | undefined>;
}

/**
 * Whether the request got no HTTP answer at all: an attempt timed out (NoAnswerError), the call was
 * aborted, or the connection failed (Octokit calls those HTTP 500, with a request and no response).
 */
function noAnswer(e: { name?: unknown; status?: unknown; response?: unknown; request?: unknown }): boolean {
  if (e.name === 'GitHubNoAnswer' || e.name === 'AbortError' || e.name === 'TimeoutError') return true;
  return e.status === 500 && e.response === undefined && e.request !== undefined;
}

export function httpFailure(error: unknown): HttpFailure {
  const e = error as {
    status?: unknown;
    message?: unknown;
    response?: { headers?: Record<string, unknown>; data?: unknown };
    name?: unknown;
    request?: unknown;
  };
  const status = typeof e?.status === 'number' && !noAnswer(e) ? e.status : undefined;
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
  /** How the adapter calls the settings the fixes name. */
  names: Pick<AdapterNames, 'infraRepository' | 'debug'>;
}

const TOKEN_FIX = (repo: string) =>
  `A job's own GITHUB_TOKEN can only act on the repository the job runs in, so it cannot dispatch workflows in ${repo}. ` +
  `Use a GitHub App installation token (actions/create-github-app-token, with the app installed on ${repo} and Actions: write) ` +
  `or a fine-grained personal access token with Actions: write and Contents: read on ${repo}.`;

interface Facts {
  f: HttpFailure;
  ctx: FailureContext;
}

/** One kind of GitHub failure: when it applies, the error class and code, the message and the fix. */
interface GitHubErrorRule {
  when: (f: HttpFailure) => boolean;
  kind: 'precondition' | 'remote';
  code: string;
  message: (x: Facts) => string;
  fix: (x: Facts) => string;
}

const answered = (f: HttpFailure) => (f.status === undefined ? f.message : `HTTP ${f.status}`);
const byIntegration = (f: HttpFailure) =>
  /not accessible by (integration|personal access token)/i.test(f.message);
function resetsAt(f: HttpFailure): string {
  const reset = Number(f.headers['x-ratelimit-reset']);
  return Number.isFinite(reset) && reset > 0 ? ` It resets at ${new Date(reset * 1000).toISOString()}.` : '';
}

/** The rules, tried in order; the last one matches everything. */
const GITHUB_ERRORS: readonly GitHubErrorRule[] = [
  {
    when: (f) => f.status === 401,
    kind: 'precondition',
    code: 'GITHUB_UNAUTHORIZED',
    message: ({ f, ctx }) =>
      `GitHub rejected the token (401 ${f.message}) when trying to ${ctx.action} at ${ctx.baseUrl}.`,
    fix: () =>
      'The token is invalid, expired or revoked, or belongs to another GitHub server. Create a new one, and for GitHub Enterprise set GITHUB_API_URL to its API URL (https://HOST/api/v3).',
  },
  {
    when: isRateLimited,
    kind: 'remote',
    code: 'GITHUB_RATE_LIMITED',
    message: ({ f, ctx }) => `GitHub's rate limit stopped us while trying to ${ctx.action}.${resetsAt(f)}`,
    fix: () =>
      'Wait for the limit to reset and deploy again; use a GitHub App token (higher limits) for busy pipelines.',
  },
  {
    when: (f) => f.status === 403,
    kind: 'precondition',
    code: 'GITHUB_FORBIDDEN',
    message: ({ f, ctx }) =>
      `GitHub refused to ${ctx.action} (403 "${f.message}").${byIntegration(f) ? ` The token may read ${ctx.repo} but is not allowed to run its workflows.` : ''}`,
    fix: ({ f, ctx }) =>
      byIntegration(f)
        ? TOKEN_FIX(ctx.repo)
        : `Give the token access to ${ctx.repo} (Actions: write, Contents: read); if the organization uses SAML single sign-on, authorize the token for it.`,
  },
  {
    when: (f) => f.status === 404,
    kind: 'precondition',
    code: 'INFRA_REPO_NOT_FOUND',
    message: ({ ctx }) =>
      `GitHub answered 404 Not Found when trying to ${ctx.action}: ${ctx.repo} does not exist, or the token cannot see it (GitHub answers 404 for private repositories a token has no access to).`,
    fix: ({ ctx }) =>
      `Check the infra repository name (${ctx.names.infraRepository} / HOSTING_INFRA_REPO). ${TOKEN_FIX(ctx.repo)}`,
  },
  {
    when: isTransient,
    kind: 'remote',
    code: 'GITHUB_UNAVAILABLE',
    message: ({ f, ctx }) =>
      `GitHub did not answer properly when trying to ${ctx.action} (${answered(f)}), even after retries.`,
    fix: () =>
      'Check https://www.githubstatus.com (or your GitHub Enterprise server) and the network, then deploy again.',
  },
  {
    when: () => true,
    kind: 'remote',
    code: 'GITHUB_REQUEST_FAILED',
    message: ({ f, ctx }) => `GitHub refused to ${ctx.action} (HTTP ${f.status}: ${f.message}).`,
    fix: ({ ctx }) =>
      `Check the infra repository, workflow and ref settings; re-run with ${ctx.names.debug} for details.`,
  },
];

/** Translate any failure of a GitHub request into a HostingError with a cause and a fix. */
export function gitHubError(error: unknown, ctx: FailureContext): HostingError {
  if (error instanceof HostingError) return error;
  const f = httpFailure(error);
  const rule = GITHUB_ERRORS.find((r) => r.when(f)) as GitHubErrorRule;
  const options = {
    fix: rule.fix({ f, ctx }),
    cause: safeCause(f),
    details: { repository: ctx.repo, status: f.status, ...(ctx.workflow ? { workflow: ctx.workflow } : {}) },
  };
  const message = rule.message({ f, ctx });
  return rule.kind === 'precondition'
    ? new PreconditionError(rule.code, message, options)
    : new RemoteError('github', rule.code, message, options);
}
