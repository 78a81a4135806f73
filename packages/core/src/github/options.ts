/** The options of the GitHub `InfraWorkflows`. Loads nothing. */
import type { AdapterNames } from '../inputs/names.js';
import type { Clock } from '../ports/ports.js';
import type { GitHubAccess, GitHubAppCredentials } from './app-auth.js';

/** Knobs for tests and benchmarks; the defaults suit GitHub. */
export interface GitHubTuning {
  /** Retries of idempotent requests on 5xx/network errors (plugin-retry). Default 3. */
  retries?: number | undefined;
  /** Base of the plugins' retry delays in ms (default 1000; tests use 1). */
  retryAfterBaseValue?: number | undefined;
  /** Minimum time between write requests (default 1000 ms, as GitHub asks). */
  writeMinTimeMs?: number | undefined;
  /**
   * Timeout of one HTTP attempt (default 15 s): one that gets no answer in time is retried with backoff
   * (except the dispatch, which looks for its run first, and the run's polls) within the call's deadline.
   */
  requestTimeoutMs?: number | undefined;
  /** Deadline of one call, its retries and backoff included (default 60 s); also bounds a dispatch's re-sends. */
  callDeadlineMs?: number | undefined;
  /** How long to look for the run of a dispatch that returned no run id (default 60 s). */
  findRunTimeoutMs?: number | undefined;
  /** After a dispatch with no clear answer, how long to look for its run before sending again (default 20 s). */
  findAfterFailureMs?: number | undefined;
  /** How often to refresh jobs/steps for the live display while a run is in progress (default 10 s). */
  jobsIntervalMs?: number | undefined;
  /** Retry rate-limited requests (outside the wait) only when GitHub asks to wait at most this long (default 60 s). */
  maxRateLimitWaitS?: number | undefined;
  /** A just-dispatched run may 404 for a moment: tolerate that this long (default 60 s). */
  runNotFoundGraceMs?: number | undefined;
  /** Log lines shown for a failed step (default 15). */
  logTailLines?: number | undefined;
}

/** A GitHub App instead of a token: installation tokens minted for the infra repository only. */
export interface GitHubAppOptions {
  credentials: GitHubAppCredentials;
  /** `write`: actions: write, contents: read (deploy, rollback, promote); `read`: actions: read. */
  access: GitHubAccess;
  /** Each minted token, as it is minted (a secret: mask it). */
  onToken?: ((token: string) => void) | undefined;
}

export interface GitHubWorkflowsOptions {
  /** A secret: register it with the Reporter first; it is never logged or put into errors. */
  token?: string | undefined;
  /** Instead of `token`. */
  app?: GitHubAppOptions | undefined;
  /** REST API URL; default `GITHUB_API_URL`, else https://api.github.com (GitHub Enterprise: https://HOST/api/v3). */
  baseUrl?: string | undefined;
  /** All waiting (polls, back-off) goes through this clock. Default: the system clock. */
  clock?: Clock | undefined;
  userAgent?: string | undefined;
  /** Warnings and notes for humans (retries, fallbacks). Never contains the token. */
  log?: ((message: string) => void) | undefined;
  /** Told of each retry of a request that got no answer (a progress line); default `log`. Never contains the token. */
  onRetry?: ((message: string) => void) | undefined;
  tuning?: GitHubTuning | undefined;
  /** How the adapter calls the settings the fixes name (infra repository, workflow, ref, timeout). */
  names: AdapterNames;
}
