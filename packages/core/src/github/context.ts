/**
 * What every part of the GitHub client shares: the Octokit client, the clock, the tuning, the token-free log,
 * per-request timeouts, the server's clock skew (from Date headers) and which repository each run belongs to.
 */
import { RemoteError } from '../errors/errors.js';
import type { AdapterNames } from '../inputs/names.js';
import type { Clock, RunRef, WorkflowTarget } from '../ports/ports.js';
import { type ApiVersion, apiVersionFor, useApiVersion } from './api-version.js';
import { AppTokens, useAppTokens } from './app-auth.js';
import { createClient, type GitHubClient } from './client.js';
import type { FailureContext } from './errors.js';
import type { GitHubTuning, GitHubWorkflowsOptions } from './options.js';

/** A workflow run as the REST API returns it (the fields we read). */
export interface ApiRun {
  id: number;
  run_number?: number;
  status: string | null;
  conclusion: string | null;
  html_url: string;
  created_at: string;
  display_title?: string;
  event?: string;
  head_branch?: string | null;
  actor?: { login: string } | null;
  triggering_actor?: { login: string } | null;
}

export type Tuning = { [K in keyof GitHubTuning]-?: number };

const DEFAULT_TUNING: Tuning = {
  retries: 3,
  retryAfterBaseValue: 1000,
  writeMinTimeMs: 1000,
  requestTimeoutMs: 15_000,
  callDeadlineMs: 60_000,
  findRunTimeoutMs: 60_000,
  findAfterFailureMs: 20_000,
  jobsIntervalMs: 10_000,
  maxRateLimitWaitS: 60,
  runNotFoundGraceMs: 60_000,
  logTailLines: 15,
};

export type ResolvedOptions = GitHubWorkflowsOptions & { clock: Clock; baseUrl: string };

type Repo = { owner: string; repo: string };

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** `acme/infra/deploy.yaml` or a numeric workflow id. */
export function workflowId(workflow: string): string | number {
  return /^\d+$/.test(workflow) ? Number(workflow) : workflow;
}

/** The ref as the run list's `branch` filter wants it (no refs/heads/ or refs/tags/). */
export function shortRef(ref: string): string {
  return ref.replace(/^refs\/(heads|tags)\//, '');
}

export class GitHubContext {
  readonly client: GitHubClient;
  readonly clock: Clock;
  readonly baseUrl: string;
  readonly tuning: Tuning;
  /** How the adapter calls the settings the fixes name. */
  readonly names: AdapterNames;
  /** Warnings and notes, with the token removed. */
  readonly log: (message: string) => void;
  /** A retry after no answer, as a progress line (the token removed). */
  readonly onRetry: (message: string) => void;
  /** Server clock minus ours, from Date headers (a lower bound: Date has whole seconds). */
  serverSkewMs: number | undefined;
  /** With a GitHub App: the installation tokens it mints, re-mints and revokes. */
  readonly appTokens: AppTokens | undefined;
  /** The token, the App's key and every minted token: never in a message. */
  private readonly secrets: string[];
  private readonly runRepos = new Map<number, Repo>();
  /** The deadline (Date.now() ms) of each call's signal made by `signal()`. */
  private readonly deadlines = new WeakMap<AbortSignal, number>();

  constructor(options: ResolvedOptions) {
    this.clock = options.clock;
    this.baseUrl = options.baseUrl;
    this.names = options.names;
    this.tuning = { ...DEFAULT_TUNING, ...(stripUndefined(options.tuning ?? {}) as Partial<Tuning>) };
    this.secrets = [options.token, options.app?.credentials.privateKey].filter((s): s is string => !!s);
    const sink = options.log ?? (() => {});
    this.log = (m) => sink(this.redact(m));
    const retrying = options.onRetry ?? sink;
    this.onRetry = (m) => retrying(this.redact(m));
    const userAgent = options.userAgent ?? 'shared-hosting-deploy';
    this.appTokens = options.app
      ? new AppTokens({
          app: options.app.credentials,
          access: options.app.access,
          baseUrl: options.baseUrl,
          names: options.names,
          userAgent,
          clock: options.clock,
          log: this.log,
          onToken: (token) => {
            this.secrets.push(token);
            options.app?.onToken?.(token);
          },
        })
      : undefined;
    this.client = createClient({
      token: options.token,
      baseUrl: options.baseUrl,
      userAgent,
      warn: this.log,
      retries: this.tuning.retries,
      retryAfterBaseValue: this.tuning.retryAfterBaseValue,
      rateLimitRetries: 3,
      maxRateLimitWaitS: this.tuning.maxRateLimitWaitS,
      writeMinTimeMs: this.tuning.writeMinTimeMs,
      requestTimeoutMs: this.tuning.requestTimeoutMs,
      deadlineOf: (signal) => (signal ? this.deadlines.get(signal) : undefined),
      onRetry: (message) => this.onRetry(message),
    });
    useApiVersion(this.client, this.baseUrl, this.log);
    if (this.appTokens) useAppTokens(this.client, this.appTokens);
    this.client.hook.after('request', (response) =>
      this.noteDate(response.headers as Record<string, unknown>),
    );
    this.client.hook.error('request', (error) => {
      this.noteDate((error as { response?: { headers?: Record<string, unknown> } }).response?.headers);
      throw error;
    });
  }

  /** The REST API version requests send now (2026-03-10 unless this server rejected it). */
  get apiVersion(): ApiVersion {
    return apiVersionFor(this.baseUrl);
  }

  private noteDate(headers: Record<string, unknown> | undefined): void {
    const date = headers?.date;
    if (typeof date !== 'string') return;
    const server = Date.parse(date);
    if (Number.isNaN(server)) return;
    const estimate = server - this.clock.now();
    this.serverSkewMs = this.serverSkewMs === undefined ? estimate : Math.max(this.serverSkewMs, estimate);
  }

  /** The text with the token, the App's key and minted tokens replaced by `***`. */
  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) if (secret.length >= 4) out = out.split(secret).join('***');
    return out;
  }

  /**
   * The signal of one call (a request with its retries): the call's deadline (callDeadlineMs), combined
   * with the caller's signal. Each HTTP attempt within it has its own timeout (requestTimeoutMs, client.ts).
   */
  signal(outer?: AbortSignal): AbortSignal {
    const t = AbortSignal.timeout(this.tuning.callDeadlineMs);
    const signal = outer ? AbortSignal.any([outer, t]) : t;
    this.deadlines.set(signal, Date.now() + this.tuning.callDeadlineMs);
    return signal;
  }

  /** The context of a failure: what was tried, where. */
  ctx(target: { owner: string; repo: string; workflow?: string }, action: string): FailureContext {
    return {
      action,
      repo: `${target.owner}/${target.repo}`,
      baseUrl: this.baseUrl,
      workflow: target.workflow,
      names: this.names,
    };
  }

  rememberRun(id: number, target: Repo): void {
    this.runRepos.set(id, { owner: target.owner, repo: target.repo });
  }

  /** The repository of a run: remembered from the dispatch, else read from its URL. */
  repoOf(run: RunRef): Repo {
    const known = this.runRepos.get(run.id);
    if (known) return known;
    const m = /\/([^/]+)\/([^/]+)\/actions\/runs\/\d+/.exec(run.url);
    if (m?.[1] && m[2]) return { owner: decodeURIComponent(m[1]), repo: decodeURIComponent(m[2]) };
    throw new RemoteError(
      'github',
      'RUN_NOT_FOUND',
      `Cannot tell the repository of run ${run.id} from its URL ${run.url}.`,
      { fix: 'This is unexpected: report it with the output.' },
    );
  }

  /** The browser URL of a run when the server did not say. */
  guessRunUrl(owner: string, repo: string, id: number): string {
    const web = this.baseUrl.replace(/\/api\/v3\/?$/, '').replace('://api.github.com', '://github.com');
    return `${web.replace(/\/$/, '')}/${owner}/${repo}/actions/runs/${id}`;
  }

  /** The workflow's workflow_dispatch runs on the ref (newest first), optionally by one actor. */
  async listRuns(
    target: WorkflowTarget,
    ref: string,
    actor?: string,
    signal?: AbortSignal,
  ): Promise<ApiRun[]> {
    const res = await this.client.rest.actions.listWorkflowRuns({
      owner: target.owner,
      repo: target.repo,
      workflow_id: workflowId(target.workflow),
      event: 'workflow_dispatch',
      branch: ref,
      ...(actor ? { actor } : {}),
      per_page: 30,
      request: { signal: this.signal(signal) },
    });
    return res.data.workflow_runs as ApiRun[];
  }
}
