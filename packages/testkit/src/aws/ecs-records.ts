import { randomBytes, randomUUID } from 'node:crypto';

/** ECS `Tag` (`{key, value}`). */
export interface EcsTag {
  key: string;
  value: string;
}

/** One registered task definition revision: every field as given to RegisterTaskDefinition, plus ECS's own. */
export interface EcsTaskDefinitionRecord {
  arn: string;
  family: string;
  revision: number;
  status: 'ACTIVE' | 'INACTIVE';
  /** The RegisterTaskDefinition input without `tags`, as given (ECS defaults are added only on output). */
  input: Record<string, unknown>;
  tags: EcsTag[];
  registeredAt: Date;
  registeredBy: string;
}

export type RolloutState = 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';

export interface EcsDeployment {
  /** `ecs-svc/` + 19 digits, as ECS names them. */
  id: string;
  status: 'PRIMARY' | 'ACTIVE';
  taskDefinition: string;
  desiredCount: number;
  failedTasks: number;
  createdAt: Date;
  updatedAt: Date;
  rolloutState: RolloutState;
  rolloutStateReason: string;
  /**
   * Set while a blue/green, linear or canary service deployment owns this deployment: the scheduler then
   * neither drains the other deployments nor rolls back on its own (the service deployment does both).
   */
  held?: boolean | undefined;
}

export interface EcsServiceEvent {
  id: string;
  createdAt: Date;
  message: string;
}

export interface EcsContainerRecord {
  name: string;
  image: string;
  imageDigest?: string | undefined;
  lastStatus: string;
  exitCode?: number | undefined;
  reason?: string | undefined;
  essential: boolean;
  /** The image config's labels, once pulled. */
  labels?: Record<string, string> | undefined;
  /** The command a RunTask override gave this container. */
  command?: string[] | undefined;
}

/** What RunTask gave a standalone task (a task no service owns: a release task, a migration). */
export interface StandaloneTask {
  group: string;
  startedBy?: string | undefined;
  overrides?: Record<string, unknown> | undefined;
  launchType?: string | undefined;
  capacityProviderName?: string | undefined;
  clusterArn: string;
  /** Set by `failRunTask({stoppedReason})`: the task stops before it starts, with this reason. */
  failToStart?: string | undefined;
}

type TaskStatus = 'PROVISIONING' | 'PENDING' | 'RUNNING' | 'DEACTIVATING' | 'STOPPING' | 'STOPPED';

export interface EcsTaskRecord {
  arn: string;
  id: string;
  cluster: string;
  service: string;
  deploymentId: string;
  taskDefinition: string;
  desiredStatus: 'RUNNING' | 'STOPPED';
  lastStatus: TaskStatus;
  createdAt: Date;
  pullStartedAt?: Date | undefined;
  pullStoppedAt?: Date | undefined;
  startedAt?: Date | undefined;
  stoppingAt?: Date | undefined;
  stoppedAt?: Date | undefined;
  stopCode?:
    | 'TaskFailedToStart'
    | 'EssentialContainerExited'
    | 'ServiceSchedulerInitiated'
    | 'UserInitiated'
    | undefined;
  stoppedReason?: string | undefined;
  containers: EcsContainerRecord[];
  /** Set while the image pulls run; the scheduler moves on when it is settled. */
  pull?: { settled: boolean; error?: string | undefined; crashing?: string | undefined } | undefined;
  /** Ticks spent in the current status. */
  ticks: number;
  version: number;
  /** Set for RunTask's tasks (their `service` is empty). */
  standalone?: StandaloneTask | undefined;
  /** A standalone task's plan once it runs: its essential containers exit with `code` at `at` (real ms). */
  exit?: { code: number; at: number } | undefined;
}

export interface EcsServiceRecord {
  cluster: string;
  name: string;
  arn: string;
  clusterArn: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  desiredCount: number;
  taskDefinition: string;
  launchType: string;
  /** Set instead of a launch type: the service's capacity providers (DescribeServices shows no launchType then). */
  capacityProviderStrategy?: CapacityProviderItem[] | undefined;
  deploymentConfiguration: DeploymentConfiguration;
  deploymentController: { type: DeploymentControllerType };
  networkConfiguration?: Record<string, unknown> | undefined;
  /** Newest first, as DescribeServices returns them (at most 100 are answered). */
  deployments: EcsDeployment[];
  events: EcsServiceEvent[];
  tags: EcsTag[];
  createdAt: Date;
  createdBy: string;
  /** The last deployment that reached COMPLETED: where a circuit-breaker rollback goes. */
  lastCompleted?: { id: string; taskDefinition: string } | undefined;
  /** Service revisions, oldest first (one per deployment started). */
  revisions: ServiceRevisionRecord[];
  /** Service deployments, newest first (ListServiceDeployments' order). */
  serviceDeployments: ServiceDeploymentRecord[];
}

/** ECS `CapacityProviderStrategyItem`. */
export interface CapacityProviderItem {
  capacityProvider: string;
  weight?: number | undefined;
  base?: number | undefined;
}

export type DeploymentControllerType = 'ECS' | 'CODE_DEPLOY' | 'EXTERNAL';
export type DeploymentStrategy = 'ROLLING' | 'BLUE_GREEN' | 'LINEAR' | 'CANARY';
type HookAction = 'CONTINUE' | 'ROLLBACK';
export type HookStage =
  | 'RECONCILE_SERVICE'
  | 'PRE_SCALE_UP'
  | 'POST_SCALE_UP'
  | 'TEST_TRAFFIC_SHIFT'
  | 'POST_TEST_TRAFFIC_SHIFT'
  | 'PRE_PRODUCTION_TRAFFIC_SHIFT'
  | 'PRODUCTION_TRAFFIC_SHIFT'
  | 'POST_PRODUCTION_TRAFFIC_SHIFT';
export type LifecycleStage =
  | 'RECONCILE_SERVICE'
  | 'PRE_SCALE_UP'
  | 'SCALE_UP'
  | 'POST_SCALE_UP'
  | 'TEST_TRAFFIC_SHIFT'
  | 'POST_TEST_TRAFFIC_SHIFT'
  | 'PRODUCTION_TRAFFIC_SHIFT'
  | 'POST_PRODUCTION_TRAFFIC_SHIFT'
  | 'BAKE_TIME'
  | 'CLEAN_UP';
export type ServiceDeploymentStatus =
  | 'PENDING'
  | 'IN_PROGRESS'
  | 'SUCCESSFUL'
  | 'STOPPED'
  | 'STOP_REQUESTED'
  | 'ROLLBACK_REQUESTED'
  | 'ROLLBACK_IN_PROGRESS'
  | 'ROLLBACK_SUCCESSFUL'
  | 'ROLLBACK_FAILED';
type MonitorStatus = 'TRIGGERED' | 'MONITORING' | 'MONITORING_COMPLETE' | 'DISABLED';

/** ECS `DeploymentLifecycleHook`. */
export interface LifecycleHook {
  targetType?: 'AWS_LAMBDA' | 'PAUSE' | undefined;
  hookTargetArn?: string | undefined;
  roleArn?: string | undefined;
  lifecycleStages?: HookStage[] | undefined;
  /** A Lambda hook's input; the testkit reads `{"testkitResult": "FAILED"}` as the hook's verdict. */
  hookDetails?: unknown;
  timeoutConfiguration?:
    | { timeoutInMinutes?: number | undefined; action?: HookAction | undefined }
    | undefined;
}

/** ECS `DeploymentConfiguration` (the wire form). */
export interface DeploymentConfiguration {
  deploymentCircuitBreaker?: { enable: boolean; rollback: boolean } | undefined;
  maximumPercent?: number | undefined;
  minimumHealthyPercent?: number | undefined;
  alarms?: { alarmNames: string[]; enable: boolean; rollback: boolean } | undefined;
  strategy?: DeploymentStrategy | undefined;
  bakeTimeInMinutes?: number | undefined;
  lifecycleHooks?: LifecycleHook[] | undefined;
  linearConfiguration?: { stepPercent?: number; stepBakeTimeInMinutes?: number } | undefined;
  canaryConfiguration?: { canaryPercent?: number; canaryBakeTimeInMinutes?: number } | undefined;
}

/** A service revision: what one deployment runs. */
export interface ServiceRevisionRecord {
  arn: string;
  taskDefinition: string;
  /** The deployments[] entry that runs this revision. */
  deploymentId: string;
  createdAt: Date;
}

/** One run of a lifecycle hook in a service deployment. */
export interface HookRun {
  hookId: string;
  hook: LifecycleHook;
  stage: HookStage;
  /** The phase of the deployment the hook runs in (a linear deployment runs a hook at every step). */
  phase: number;
  status: 'AWAITING_ACTION' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  startedAt: Date;
  /** Real instant the hook times out (the compressed clock's). */
  expiresAt: Date;
  timeoutAction: HookAction;
  /** The action ContinueServiceDeployment gave (the deployment acts on it on the next tick). */
  decided?: HookAction | undefined;
}

/** One traffic split of a service deployment (percent on the target revision). */
export interface TrafficWeight {
  at: Date;
  stage: LifecycleStage;
  production: number;
  test: number;
}

/** One service deployment (`ListServiceDeployments` / `DescribeServiceDeployments`). */
export interface ServiceDeploymentRecord {
  arn: string;
  service: string;
  cluster: string;
  strategy: DeploymentStrategy;
  createdAt: Date;
  startedAt?: Date | undefined;
  finishedAt?: Date | undefined;
  stoppedAt?: Date | undefined;
  updatedAt: Date;
  status: ServiceDeploymentStatus;
  statusReason?: string | undefined;
  lifecycleStage: LifecycleStage;
  /** Every stage entered, in order (a linear deployment enters PRODUCTION_TRAFFIC_SHIFT once per step). */
  stages: { at: Date; stage: LifecycleStage }[];
  target: ServiceRevisionRecord;
  sources: ServiceRevisionRecord[];
  /** The service's deployment configuration when the deployment started. */
  configuration: DeploymentConfiguration;
  rollback?: { reason: string; startedAt: Date; serviceRevisionArn: string } | undefined;
  /** The deployments[] entry running the rollback, once it started. */
  rollbackDeploymentId?: string | undefined;
  circuitBreaker: { status: MonitorStatus; failureCount: number; threshold: number };
  alarms: { status: MonitorStatus; alarmNames: string[]; triggeredAlarmNames: string[] };
  hooks: HookRun[];
  /** Traffic on the target revision now, and every change, oldest first. */
  weight: { production: number; test: number };
  weights: TrafficWeight[];
  /** Index of the phase the deployment is in (see ecs-service-deployments.ts). */
  phase: number;
  /** Real instant the current phase's wait ends (bake, step bake). */
  waitUntil?: Date | undefined;
}

export const newDeploymentId = () =>
  `ecs-svc/${BigInt(`0x${randomBytes(8).toString('hex')}`)
    .toString()
    .padStart(19, '0')
    .slice(0, 19)}`;

export const newTaskId = () => randomBytes(16).toString('hex');

/** The id part of a service deployment or revision ARN (ECS uses 22 letters and digits). */
export const newResourceId = () =>
  randomBytes(16)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .padEnd(22, '0')
    .slice(0, 22);

export const newEvent = (message: string): EcsServiceEvent => ({
  id: randomUUID(),
  createdAt: new Date(),
  message,
});

/** Threshold of ECS's deployment circuit breaker: 0.5 × desired, at least 3 and at most 200. */
export const failureThreshold = (desiredCount: number) =>
  Math.max(3, Math.min(200, Math.ceil(0.5 * desiredCount)));
