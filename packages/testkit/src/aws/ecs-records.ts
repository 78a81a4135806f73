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
}

export type TaskStatus = 'PROVISIONING' | 'PENDING' | 'RUNNING' | 'DEACTIVATING' | 'STOPPING' | 'STOPPED';

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
  stopCode?: 'TaskFailedToStart' | 'EssentialContainerExited' | 'ServiceSchedulerInitiated' | undefined;
  stoppedReason?: string | undefined;
  containers: EcsContainerRecord[];
  /** Set while the image pulls run; the scheduler moves on when it is settled. */
  pull?: { settled: boolean; error?: string | undefined; crashing?: string | undefined } | undefined;
  /** Ticks spent in the current status. */
  ticks: number;
  version: number;
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
  deploymentConfiguration: {
    deploymentCircuitBreaker: { enable: boolean; rollback: boolean };
    maximumPercent: number;
    minimumHealthyPercent: number;
  };
  networkConfiguration?: Record<string, unknown> | undefined;
  /** Newest first, as DescribeServices returns them (at most 100 are answered). */
  deployments: EcsDeployment[];
  events: EcsServiceEvent[];
  tags: EcsTag[];
  createdAt: Date;
  createdBy: string;
  /** The last deployment that reached COMPLETED: where a circuit-breaker rollback goes. */
  lastCompleted?: { id: string; taskDefinition: string } | undefined;
}

export const newDeploymentId = () =>
  `ecs-svc/${BigInt(`0x${randomBytes(8).toString('hex')}`)
    .toString()
    .padStart(19, '0')
    .slice(0, 19)}`;

export const newTaskId = () => randomBytes(16).toString('hex');

export const newEvent = (message: string): EcsServiceEvent => ({
  id: randomUUID(),
  createdAt: new Date(),
  message,
});

/** Threshold of ECS's deployment circuit breaker: 0.5 × desired, at least 3 and at most 200. */
export const failureThreshold = (desiredCount: number) =>
  Math.max(3, Math.min(200, Math.ceil(0.5 * desiredCount)));
