/**
 * Ports: one interface per side effect. The engine only talks to these; real implementations live
 * beside them (aws/, builders/, github/), in-memory fakes in testing/fakes.ts.
 */

// ---------------------------------------------------------------------------------------------
// Image builder (docker / podman / buildah)
// ---------------------------------------------------------------------------------------------

import type { BuilderName } from '../builders/registry.js';

/** The builders' names come from their registry (builders/registry.ts). */
export type { BuilderName };

/** Registry credentials, as obtained from ECR. `password` is a secret: never log it. */
export interface RegistryAuth {
  /** Registry host (and port), without scheme, e.g. `123.dkr.ecr.eu-west-1.amazonaws.com` or `127.0.0.1:5000`. */
  registry: string;
  username: string;
  password: string;
  /** true for a plain-http registry endpoint: push without TLS verification. */
  insecure: boolean;
  /** When the token expires, if known. */
  expiresAt?: Date | undefined;
}

export interface BuildRequest {
  context: string;
  dockerfile: string;
  /** Full image references to tag the result with, e.g. `127.0.0.1:5000/hello-app:abc123`. */
  tags: readonly string[];
  labels: Readonly<Record<string, string>>;
  buildArgs: Readonly<Record<string, string>>;
  target?: string | undefined;
  platform?: string | undefined;
  /**
   * The registry layer cache: read before each step, written after it. Undefined builds without it
   * (`cache: false` / `--no-cache`). A missing, unreachable or corrupt cache never fails the build.
   */
  cache?: BuildCache | undefined;
}

/** Where a build reads and writes its layer cache: a sibling repository of the app's, never a version. */
export interface BuildCache {
  /** Repository reference without a tag, e.g. `123.dkr.ecr.eu-west-1.amazonaws.com/hello-app/build-cache`. */
  repository: string;
  /** Credentials for that registry (the app's own ECR registry); they reach the builder in a temporary file. */
  auth: RegistryAuth;
}

/** What the registry cache did for one build. */
export interface BuildCacheOutcome {
  repository: string;
  /** `used`: read and written; `unavailable`: the image was built without it (see `warning`). */
  status: 'used' | 'unavailable';
  /** Build steps taken from the registry cache instead of being run. */
  reused: number;
  /** One sentence to show the user when the cache could not be (fully) used. */
  warning?: string | undefined;
}

export interface BuildResult {
  /** Set when the request asked for a cache. */
  cache?: BuildCacheOutcome | undefined;
}

export interface PushRequest {
  /** Full image reference to push. */
  image: string;
  auth: RegistryAuth;
}

export interface PushResult {
  /** `sha256:...` manifest digest as stored in the registry. */
  digest: string;
}

/** Receives the builder's output line by line (secrets already redacted by the caller's wrapper). */
export type LogSink = (line: string) => void;

export interface ImageBuilder {
  readonly name: BuilderName;
  /** Builds the image; resolves with what the registry cache did. */
  build(request: BuildRequest, log: LogSink, signal?: AbortSignal): Promise<BuildResult>;
  push(request: PushRequest, log: LogSink, signal?: AbortSignal): Promise<PushResult>;
}

// ---------------------------------------------------------------------------------------------
// Registry (ECR)
// ---------------------------------------------------------------------------------------------

export interface RepositoryInfo {
  name: string;
  /** `<registry>/<name>` as ECR reports it. */
  uri: string;
  registryId?: string | undefined;
}

export interface ImageInfo {
  repository: string;
  /** The tag asked for. */
  tag: string;
  digest: string;
  tags: readonly string[];
  pushedAt?: Date | undefined;
  sizeBytes?: number | undefined;
}

export interface Registry {
  /** ECR GetAuthorizationToken: host from `proxyEndpoint` (scheme removed); `http://` means insecure. */
  getAuthorization(): Promise<RegistryAuth>;
  /** DescribeRepositories; throws PreconditionError `ECR_REPOSITORY_NOT_FOUND` naming repository and region. */
  describeRepository(name: string): Promise<RepositoryInfo>;
  /** DescribeImages by tag; undefined when the tag does not exist. */
  findImage(repository: string, tag: string): Promise<ImageInfo | undefined>;
  /** Same as findImage, by digest (`sha256:...`). */
  findImageByDigest(repository: string, digest: string): Promise<ImageInfo | undefined>;
  /** BatchGetImage + PutImage: give an existing image (by digest) another tag. Tolerates ImageAlreadyExists. */
  tagImage(repository: string, digest: string, newTag: string): Promise<ImageInfo>;
}

// ---------------------------------------------------------------------------------------------
// Parameter store (SSM)
// ---------------------------------------------------------------------------------------------

export interface ParameterValue {
  name: string;
  value: string;
  version: number;
  lastModified?: Date | undefined;
  /** Who last wrote it (SSM LastModifiedUser), when known. */
  lastModifiedUser?: string | undefined;
  description?: string | undefined;
  /** The labels on this version (GetParameterHistory's Labels), when listed by `history()`. */
  labels?: readonly string[] | undefined;
}

export interface ParameterStore {
  /** GetParameter; undefined when it does not exist. */
  get(name: string): Promise<ParameterValue | undefined>;
  /** PutParameter (Type String, Overwrite true). Returns the new parameter version. */
  put(name: string, value: string, description: string): Promise<{ version: number }>;
  /** GetParameterHistory, all pages, newest first, at most `limit` entries, with each version's labels. */
  history(name: string, limit?: number): Promise<ParameterValue[]>;
  /**
   * LabelParameterVersion: attach `labels` to `version`. A label already on another version of the
   * parameter moves to this one (SSM's behaviour). Throws when SSM refuses a label as invalid.
   */
  label(name: string, version: number, labels: readonly string[]): Promise<void>;
  /** PutParameter (Type String) WITHOUT Overwrite: `'exists'` when the parameter already exists. */
  create(name: string, value: string, description: string): Promise<{ version: number } | 'exists'>;
  /** DeleteParameter, all versions; a parameter that does not exist is fine. */
  delete(name: string): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Infra workflows (GitHub)
// ---------------------------------------------------------------------------------------------

export interface WorkflowTarget {
  owner: string;
  repo: string;
  /** Workflow file name (e.g. `deploy.yaml`) or numeric id. */
  workflow: string;
  ref: string;
  inputs: Readonly<Record<string, string>>;
}

export interface WorkflowInfo {
  id: number;
  name: string;
  path: string;
  htmlUrl?: string | undefined;
}

export interface RunRef {
  id: number;
  url: string;
  /** The run's html URL if known; `url` is always a browser URL. */
  runNumber?: number | undefined;
}

export type RunStatus =
  | 'requested'
  | 'queued'
  | 'pending'
  | 'waiting'
  | 'in_progress'
  | 'completed'
  | (string & {});

export type RunConclusion =
  | 'success'
  | 'failure'
  | 'cancelled'
  | 'timed_out'
  | 'startup_failure'
  | 'action_required'
  | 'neutral'
  | 'skipped'
  | 'stale'
  | (string & {});

export interface FailedJob {
  name: string;
  url?: string | undefined;
  conclusion: RunConclusion;
  /** The first failed step's name, when known. */
  step?: string | undefined;
  /** Last lines of the failing step's log, when the token may read logs. */
  logTail?: readonly string[] | undefined;
}

export interface RunUpdate {
  run: RunRef;
  status: RunStatus;
  /** The job and step now running, when known. */
  job?: string | undefined;
  step?: string | undefined;
  /** A run waiting on an environment approval: the environment and its reviewers. */
  approval?: { environment: string; reviewers: readonly string[] } | undefined;
}

export interface RunResult {
  run: RunRef;
  conclusion: RunConclusion;
  /** Failed jobs (empty on success). */
  failedJobs: readonly FailedJob[];
  /** Requests that counted against the rate limit while waiting. */
  requests?: number | undefined;
}

export interface WaitOptions {
  /** Give up after this long, measured by the Clock. */
  timeoutMs: number;
  /** Aborting ends the wait with InterruptedError (and cancels the run when cancelOnInterrupt). */
  signal?: AbortSignal | undefined;
  onUpdate?: ((update: RunUpdate) => void) | undefined;
  /** Cancel the remote run when the timeout ends the wait (default false). */
  cancelOnTimeout?: boolean | undefined;
  /** Cancel the remote run when the signal aborts the wait (default true). */
  cancelOnInterrupt?: boolean | undefined;
}

export interface RunSummary {
  run: RunRef;
  status: RunStatus;
  conclusion?: RunConclusion | undefined;
  createdAt?: Date | undefined;
  title?: string | undefined;
  actor?: string | undefined;
}

export interface InfraWorkflows {
  /** Checks repository, workflow (active, has workflow_dispatch with our inputs), ref and permission. */
  preflight(target: WorkflowTarget): Promise<WorkflowInfo>;
  /** Dispatches and identifies exactly the run it created. */
  dispatch(target: WorkflowTarget): Promise<RunRef>;
  /** Follows the run to completion or timeout (TimeoutError) or abort (InterruptedError). */
  wait(run: RunRef, options: WaitOptions): Promise<RunResult>;
  /** Requests cancellation of a run. */
  cancel(run: RunRef): Promise<void>;
  /** Runs of the workflow for these inputs that are not completed yet (oldest first); day-2 locking. */
  activeRuns(target: WorkflowTarget): Promise<RunSummary[]>;
  /** The latest run for these inputs, completed or not. */
  latestRun(target: WorkflowTarget): Promise<RunSummary | undefined>;
}

// ---------------------------------------------------------------------------------------------
// Clock
// ---------------------------------------------------------------------------------------------

export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

// ---------------------------------------------------------------------------------------------
// Container service (ECS)
// ---------------------------------------------------------------------------------------------

/** A resource tag, as ECS spells it. */
export interface ResourceTag {
  key: string;
  value: string;
}

/** One container of a task definition: `name` and `image`, and every other setting kept as described. */
interface ContainerDefinition {
  name: string;
  image: string;
  [setting: string]: unknown;
}

/**
 * A task definition as ECS describes it (DescribeTaskDefinition's `taskDefinition`): every setting,
 * including the read-only fields (taskDefinitionArn, revision, status, ...) that RegisterTaskDefinition refuses.
 */
export interface TaskDefinitionDocument {
  family: string;
  containerDefinitions: ContainerDefinition[];
  [setting: string]: unknown;
}

export interface TaskDefinitionInfo {
  /** `arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>` */
  arn: string;
  family: string;
  revision: number;
  document: TaskDefinitionDocument;
  tags: readonly ResourceTag[];
}

export type RolloutState = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED' | (string & {});

export interface ServiceDeployment {
  /** `ecs-svc/<number>` */
  id: string;
  /** PRIMARY (the newest), ACTIVE (older, still running tasks) or INACTIVE. */
  status: 'PRIMARY' | 'ACTIVE' | 'INACTIVE' | (string & {});
  taskDefinition: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  failedTasks: number;
  rolloutState?: RolloutState | undefined;
  rolloutStateReason?: string | undefined;
  createdAt?: Date | undefined;
}

export interface ServiceEvent {
  id: string;
  createdAt?: Date | undefined;
  message: string;
}

export interface ServiceInfo {
  cluster: string;
  name: string;
  arn: string;
  /** ACTIVE, DRAINING or INACTIVE. */
  status: string;
  taskDefinition: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  /** Newest first, as ECS lists them. */
  deployments: readonly ServiceDeployment[];
  /** Newest first, as ECS lists them (ECS keeps the last 100). */
  events: readonly ServiceEvent[];
  circuitBreaker?: { enable: boolean; rollback: boolean } | undefined;
  /** ECS (the default), CODE_DEPLOY or EXTERNAL: the rollout follows only ECS-controlled services. */
  deploymentController?: string | undefined;
  /** ROLLING (the default), BLUE_GREEN, LINEAR or CANARY. */
  strategy?: string | undefined;
  /** The service deployment in flight or last finished (`currentServiceDeployment`), when ECS says. */
  currentServiceDeployment?: string | undefined;
  /** Where its tasks run, as RunTask takes it (the release task runs the same way). */
  networkConfiguration?: Record<string, unknown> | undefined;
  launchType?: string | undefined;
  capacityProviderStrategy?: readonly Record<string, unknown>[] | undefined;
}

/** What RunTask needs to start one standalone task like a service's, with the app container's command replaced. */
export interface RunTaskRequest {
  cluster: string;
  taskDefinition: string;
  container: string;
  command: readonly string[];
  /** Who started it (DescribeTasks `startedBy`, at most 36 characters). */
  startedBy: string;
  networkConfiguration?: Record<string, unknown> | undefined;
  launchType?: string | undefined;
  capacityProviderStrategy?: readonly Record<string, unknown>[] | undefined;
}

/** A standalone task as DescribeTasks shows it. */
export interface TaskInfo {
  arn: string;
  lastStatus: string;
  desiredStatus: string;
  stopCode?: string | undefined;
  stoppedReason?: string | undefined;
  containers: readonly { name: string; reason?: string | undefined; exitCode?: number | undefined }[];
}

/** RunTask's answer: the task it started, or why it started none (`failures[].reason`, e.g. RESOURCE:MEMORY). */
export interface RunTaskOutcome {
  task: TaskInfo | undefined;
  failures: readonly string[];
}

/** ListServiceDeployments' brief of one service deployment. */
export interface ServiceDeploymentBrief {
  arn: string;
  status: string;
  createdAt?: Date | undefined;
  /** The service revision it deploys (`...:service-revision/<cluster>/<service>/<id>`). */
  targetServiceRevision?: string | undefined;
}

/** A service revision as a service deployment counts it: tasks and traffic. */
export interface ServiceRevisionCounts {
  arn: string;
  requested: number;
  running: number;
  pending: number;
  /** Percent of production traffic asked for (blue/green, linear, canary); undefined for rolling. */
  productionTrafficWeight?: number | undefined;
  testTrafficWeight?: number | undefined;
}

/** A lifecycle hook as the service deployment reports it while it runs. */
export interface LifecycleHookDetail {
  id: string;
  /** PAUSE (waits for ContinueServiceDeployment) or AWS_LAMBDA. */
  targetType: string;
  targetArn?: string | undefined;
  /** IN_PROGRESS, AWAITING_ACTION, SUCCEEDED, FAILED or TIMED_OUT. */
  status: string;
  expiresAt?: Date | undefined;
  /** What ECS does when the hook times out: CONTINUE or ROLLBACK. */
  timeoutAction?: string | undefined;
}

/** DescribeServiceDeployments' view of one service deployment: the truth for every strategy. */
export interface ServiceDeploymentDetail {
  arn: string;
  /** PENDING, IN_PROGRESS, SUCCESSFUL, STOPPED, STOP_REQUESTED, ROLLBACK_REQUESTED, ROLLBACK_IN_PROGRESS, ROLLBACK_SUCCESSFUL, ROLLBACK_FAILED. */
  status: string;
  statusReason?: string | undefined;
  createdAt?: Date | undefined;
  updatedAt?: Date | undefined;
  finishedAt?: Date | undefined;
  /** SCALE_UP, TEST_TRAFFIC_SHIFT, PRODUCTION_TRAFFIC_SHIFT, BAKE_TIME, CLEAN_UP, ... */
  lifecycleStage?: string | undefined;
  strategy?: string | undefined;
  bakeTimeInMinutes?: number | undefined;
  target?: ServiceRevisionCounts | undefined;
  sources: readonly ServiceRevisionCounts[];
  hooks: readonly LifecycleHookDetail[];
  alarms?:
    | { status?: string | undefined; names: readonly string[]; triggered: readonly string[] }
    | undefined;
  circuitBreaker?:
    | { status?: string | undefined; failureCount?: number | undefined; threshold?: number | undefined }
    | undefined;
  rollback?:
    | { reason?: string | undefined; startedAt?: Date | undefined; serviceRevision?: string | undefined }
    | undefined;
}

export interface StoppedTask {
  arn: string;
  taskDefinition: string;
  /** The deployment that started it (`ecs-svc/<number>`), when a service did. */
  startedBy?: string | undefined;
  stoppedReason?: string | undefined;
  stopCode?: string | undefined;
  stoppedAt?: Date | undefined;
  containers: readonly { name: string; reason?: string | undefined; exitCode?: number | undefined }[];
}

export interface ContainerService {
  /** DescribeServices; throws PreconditionError ECS_CLUSTER_NOT_FOUND / ECS_SERVICE_NOT_FOUND naming the fix. */
  describeService(cluster: string, service: string): Promise<ServiceInfo>;
  /** DescribeTaskDefinition with `include: ['TAGS']`. */
  describeTaskDefinition(taskDefinition: string): Promise<TaskDefinitionInfo>;
  /** RegisterTaskDefinition with these settings (no read-only fields) and tags. */
  registerTaskDefinition(
    document: TaskDefinitionDocument,
    tags: readonly ResourceTag[],
  ): Promise<TaskDefinitionInfo>;
  /** UpdateService to this task definition; returns the service with its new PRIMARY deployment. */
  updateService(cluster: string, service: string, taskDefinition: string): Promise<ServiceInfo>;
  /** The service's stopped tasks (ListTasks desiredStatus STOPPED + DescribeTasks), newest first. */
  stoppedTasks(cluster: string, service: string): Promise<StoppedTask[]>;
  /**
   * ListServiceDeployments of the service created at or after `since`, newest first; `undefined` where
   * the service deployments API is not available (UnsupportedFeatureException).
   */
  listServiceDeployments(
    cluster: string,
    service: string,
    since?: Date,
  ): Promise<ServiceDeploymentBrief[] | undefined>;
  /** DescribeServiceDeployments of one service deployment. */
  describeServiceDeployment(arn: string): Promise<ServiceDeploymentDetail>;
  /** ContinueServiceDeployment: resume (CONTINUE) or roll back (ROLLBACK) the deployment paused at `hookId`. */
  continueServiceDeployment(arn: string, hookId: string, action: 'CONTINUE' | 'ROLLBACK'): Promise<void>;
  /** StopServiceDeployment with stopType ROLLBACK. */
  stopServiceDeployment(arn: string): Promise<void>;
  /** RunTask of one task (the release task). */
  runTask(request: RunTaskRequest): Promise<RunTaskOutcome>;
  /** DescribeTasks of one task. */
  describeTask(cluster: string, task: string): Promise<TaskInfo>;
  /** StopTask with this reason. */
  stopTask(cluster: string, task: string, reason: string): Promise<void>;
}
