/** The GitHub test server's public types: its options, its scenario controls and what it records. */
import type { RunExecutor } from './executor.js';
import type { RunPlan, RunRecord, RunState } from './model.js';
import type { ApiVersion } from './openapi.js';

export type TokenAccess =
  /** May read the repository and dispatch/cancel workflows (Actions: write). */
  | 'write'
  /** May read the repository and runs, but not dispatch or cancel (403 "Resource not accessible by integration"). */
  | 'read'
  /** Cannot see the repository at all (404 Not Found), like a job's GITHUB_TOKEN on another private repo. */
  | 'none';

export interface TokenSpec {
  login: string;
  access: TokenAccess;
  /** May download job logs (default true for write/read). */
  logs?: boolean;
  /** GET /user works (a user token). false: 403 like an installation token. Default true. */
  user?: boolean;
  /** Installation token (GitHub App / GITHUB_TOKEN): its 403s say "Resource not accessible by integration". Default false. */
  integration?: boolean;
}

export interface GitHubPeerOptions {
  owner?: string;
  repo?: string;
  /** Workflow file name under .github/workflows. Default `deploy.yaml`. */
  workflowFile?: string;
  workflowName?: string;
  workflowId?: number;
  /** Inputs the default workflow declares (all required). Default application, environment. */
  workflowInputs?: readonly string[];
  /** `run-name` of the default workflow; false for none (runs then show the workflow name). */
  runName?: string | false;
  /** Replace the whole workflow file. */
  workflowYaml?: string;
  workflowState?: 'active' | 'disabled_manually';
  branches?: readonly string[];
  tags?: readonly string[];
  /**
   * false: an older GitHub Enterprise that rejects `return_run_details` (with `ghesRejectStatus`), and so serves
   * only REST API version 2022-11-28 too. Default true (false with `ghes`).
   */
  returnRunDetails?: boolean;
  /**
   * The REST API versions served (others: 400 naming the X-GitHub-Api-Version header). Default both, only
   * `2022-11-28` with `ghes` or `returnRunDetails: false`. `['2022-11-28']` alone is like GHES 3.20.
   */
  apiVersions?: readonly ApiVersion[];
  ghesRejectStatus?: 400 | 422;
  /** Serve the API under this prefix, like GitHub Enterprise's `/api/v3`. Default none (`/api/v3` with `ghes`). */
  pathPrefix?: string;
  /**
   * Behave like an older GitHub Enterprise Server (3.19): its own description, only REST API version
   * `2022-11-28` (others: 400 naming the X-GitHub-Api-Version header), no `return_run_details` (422).
   */
  ghes?: boolean;
  /** The peer's clock (ms). Default Date.now. Share a fake clock with the client for fast tests. */
  clock?: { now(): number };
  /** The server's clock runs this far ahead (positive) or behind (negative) the given clock. */
  clockSkewMs?: number;
  /** The default token's login. Default `deployer`. */
  login?: string;
  /** Extra tokens. The default token (returned as `token`) has write access. */
  tokens?: Record<string, TokenSpec>;
  /** Plan for runs created by dispatches when none is queued with `scenario.nextRun`. */
  defaultRun?: RunPlan;
  /** Primary rate limit per window. Default 5000. */
  rateLimit?: number;
  /** How long after a cancel request the run completes `cancelled`. Default 100 ms. */
  cancelDelayMs?: number;
  /** Send ETags and answer If-None-Match with 304. Default true. */
  etags?: boolean;
  /** Fail `stop()` when a request or response violated the OpenAPI description. Default true. */
  failOnViolation?: boolean;
  /**
   * Execute dispatched runs for real with this hook instead of simulating them (see `RunExecutor`): the run
   * is `queued` for the plan's `queuedMs` (default 200), then `in_progress` with one job whose steps are the
   * hook's `io.step()` calls, then `completed` as the hook concluded. Plans with `simulate: true` are simulated.
   */
  executor?: RunExecutor;
  /** Name of the executed runs' job. Default `deploy`. */
  executorJobName?: string;
}

/** A GitHub App the test server knows (`scenario.addApp`). */
export interface AppOptions {
  /** Default `deploy-app`. */
  slug?: string;
  /** Installed on the infra repository's owner. Default true. */
  installed?: boolean;
  /** Repositories (`owner/name`) the installation may reach. Default the infra repository. */
  repositories?: readonly string[] | 'all';
  /** The installation's permissions. Default actions: write, contents: read, metadata: read. */
  permissions?: Record<string, 'read' | 'write'>;
  /** Lifetime of the installation tokens it issues, in seconds. Default 3600, as GitHub. */
  tokenLifetimeSeconds?: number;
}

export interface TestApp {
  id: number;
  clientId: string;
  slug: string;
  /** PEM (PKCS#1, as GitHub downloads it). A secret: tests check it appears in no output. */
  privateKey: string;
  /** Undefined when not installed. */
  installationId: number | undefined;
}

/** An installation token the test server issued. */
export interface IssuedToken {
  token: string;
  appId: number;
  installationId: number;
  /** `owner/name` of the repositories it may reach. */
  repositories: string[];
  permissions: Record<string, string>;
  issuedAt: number;
  expiresAt: number;
  revokedAt?: number;
}

export interface Fault {
  /** HTTP status to answer with, or `reset` to destroy the connection without an answer. */
  status: number | 'reset';
  /** How many matching requests to fail. Default 1. */
  count?: number;
  /** Only requests whose operationId matches (e.g. `actions/get-workflow-run`). */
  operationId?: string | RegExp;
  method?: string;
  /** Process the request first (e.g. create the run), then fail the answer: an ambiguous failure. */
  afterProcessing?: boolean;
  /** Retry-After header (seconds), for 403/429 secondary rate limits and 503s. */
  retryAfter?: number;
  /** Override the message body. */
  message?: string;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  operationId: string | undefined;
  status: number | 'reset';
  /** Counted against the primary rate limit. */
  counted: boolean;
  at: number;
  /** The X-GitHub-Api-Version header as sent (undefined: none, GitHub then serves 2022-11-28). */
  apiVersion: string | undefined;
}

export interface GitHubPeerStats {
  /** All API requests received. */
  requests: number;
  /** Requests that counted against the rate limit (everything but 304 Not Modified). */
  rateLimited: number;
  notModified: number;
  byOperation: Record<string, number>;
  log: RequestLogEntry[];
  /** OpenAPI violations (requests and responses). */
  violations: string[];
  /** Requests by the X-GitHub-Api-Version they sent (`none` when absent). */
  apiVersions: Record<string, number>;
  /** Requests to operations the description marks deprecated under the version served (`METHOD path @version`). */
  deprecated: string[];
  /** Installation tokens issued to Apps, in order. */
  appTokens: IssuedToken[];
  /** Requests answered 401 (bad, expired or revoked credentials). */
  unauthorized: number;
  /** Dispatches received, with what they asked for. */
  dispatches: Array<{
    ref: string;
    inputs: Record<string, string>;
    returnRunDetails: boolean | undefined;
    actor: string;
    /** The REST API version it was served under. */
    apiVersion: ApiVersion;
  }>;
}

export interface InfraRepo {
  owner: string;
  repo: string;
  fullName: string;
  workflowFile: string;
  workflowId: number;
  workflowPath: string;
  /** All runs, oldest first. */
  runs(): RunRecord[];
  run(id: number): RunRecord | undefined;
  /** Status of a run now (server clock). */
  state(id: number): RunState | undefined;
  /** Server time (with skew). */
  now(): number;
  /** Browser URL of a run. */
  runUrl(id: number): string;
  /** Settles when an executed run has completed (immediately for simulated or unknown runs). */
  settled(id: number): Promise<void>;
}

export interface GitHubScenario {
  /** Plan for the next dispatched run(s), in order. */
  nextRun(...plans: RunPlan[]): void;
  /** Fail matching requests. */
  fault(fault: Fault): void;
  /** Secondary rate limit: the next `count` matching requests get 403 (or 429) with Retry-After. */
  secondaryRateLimit(options?: {
    count?: number;
    retryAfter?: number;
    status?: 403 | 429;
    operationId?: string | RegExp;
  }): void;
  /** Exhaust the primary rate limit until `resetInMs` from now. */
  exhaustRateLimit(resetInMs: number): void;
  /** Simulate a dispatch by someone else (or the same login) right now, as GitHub would create it. */
  dispatchAs(
    actor: string,
    request: { ref?: string; inputs: Record<string, string>; plan?: RunPlan },
  ): RunRecord;
  /** Create this competing run at the moment of the next dispatch (same second), before ours. */
  onNextDispatch(
    actor: string,
    request: { ref?: string; inputs: Record<string, string>; plan?: RunPlan },
  ): void;
  /** Release a run planned with `hold: true`: it leaves the queue its plan's `queuedMs` from now. */
  release(runId: number): void;
  approve(runId: number): void;
  setWorkflowState(state: 'active' | 'disabled_manually'): void;
  setWorkflowYaml(yaml: string): void;
  setReturnRunDetails(enabled: boolean): void;
  setClockSkew(ms: number): void;
  /** Execute the runs dispatched from now on with this hook (undefined: simulate them again). */
  setExecutor(executor: RunExecutor | undefined): void;
  /** Add (or replace) a token. */
  addToken(token: string, spec: TokenSpec): void;
  /** Register a GitHub App (a fresh RSA key) and, unless `installed: false`, its installation. */
  addApp(options?: AppOptions): TestApp;
  /** Change the lifetime of the tokens an App issues from now on (seconds). */
  setTokenLifetime(appId: number, seconds: number): void;
}

export interface GitHubPeer {
  /** The REST API versions served; a request naming none gets `2022-11-28`, as on GitHub. */
  apiVersions: readonly ApiVersion[];
  /** API base URL (with the path prefix when set): pass as baseUrl / GITHUB_API_URL. */
  url: string;
  /** Origin for browser URLs (html_url). */
  webUrl: string;
  /** A token with write access on the infra repository. */
  token: string;
  infra: InfraRepo;
  scenario: GitHubScenario;
  stats: GitHubPeerStats;
  /** Throws when a request or response violated the OpenAPI description. */
  assertValid(): void;
  stop(): Promise<void>;
}
