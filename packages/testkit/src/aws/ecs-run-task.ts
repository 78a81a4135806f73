import { type EcsTaskDefinitionRecord, type EcsTaskRecord, newTaskId } from './ecs-records.js';
import { AwsServiceError } from './errors.js';

/** What RunTask and StopTask need from the ECS state. */
export interface RunTaskContext {
  region: string;
  accountId: string;
  /** Throws ClusterNotFoundException; returns the cluster name. */
  cluster(ref: unknown): string;
  findTaskDefinition(ref: string): EcsTaskDefinitionRecord | undefined;
  addTask(task: EcsTaskRecord): void;
  tasks: readonly EcsTaskRecord[];
  /** The next RunTask failure a test asked for (`failRunTask`), taken once. */
  takeRunFailure(): RunTaskFailure | undefined;
}

/**
 * A RunTask failure a test provokes: `reason` alone answers RunTask with `failures: [{reason}]` and no task
 * (capacity: `RESOURCE:MEMORY`, "Capacity is unavailable at this time…"); with `stoppedReason` the task is
 * created and stops before it starts (`TaskFailedToStart`, e.g. "ResourceInitializationError: …").
 */
export interface RunTaskFailure {
  reason?: string | undefined;
  stoppedReason?: string | undefined;
}

type ContainerOverride = { name?: string; command?: string[] };

/** RunTask: `count` standalone tasks of the task definition, with the command overrides applied. */
export function runTask(context: RunTaskContext, input: Record<string, unknown>) {
  const cluster = context.cluster(input.cluster);
  const definition = context.findTaskDefinition(String(input.taskDefinition));
  if (!definition) throw new AwsServiceError('ClientException', 'TaskDefinition not found.');
  checkRunTaskInput(input, definition);
  const failure = context.takeRunFailure();
  if (failure?.reason && !failure.stoppedReason) {
    const arn = `arn:aws:ecs:${context.region}:${context.accountId}:cluster/${cluster}`;
    return { tasks: [], failures: [{ arn, reason: failure.reason }] };
  }
  const tasks: EcsTaskRecord[] = [];
  for (let i = 0; i < ((input.count as number | undefined) ?? 1); i++) {
    const task = newStandaloneTask(context, cluster, definition, input);
    if (failure?.stoppedReason && task.standalone) task.standalone.failToStart = failure.stoppedReason;
    context.addTask(task);
    tasks.push(task);
  }
  return { tasks, failures: [] };
}

function checkRunTaskInput(input: Record<string, unknown>, definition: EcsTaskDefinitionRecord): void {
  if (input.launchType !== undefined && input.capacityProviderStrategy !== undefined) {
    throw new AwsServiceError(
      'InvalidParameterException',
      'Specifying both a launch type and capacity provider strategy is not supported.',
    );
  }
  if (definition.input.networkMode === 'awsvpc' && input.networkConfiguration === undefined) {
    throw new AwsServiceError(
      'InvalidParameterException',
      "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
    );
  }
  const names = new Set(
    (definition.input.containerDefinitions as { name?: string }[]).map((c) => String(c.name)),
  );
  const overrides = ((input.overrides as { containerOverrides?: ContainerOverride[] } | undefined)
    ?.containerOverrides ?? []) as ContainerOverride[];
  for (const override of overrides) {
    if (!names.has(String(override.name))) {
      throw new AwsServiceError(
        'InvalidParameterException',
        `Override for container named ${String(override.name)} is not a container in the TaskDefinition.`,
      );
    }
  }
}

function newStandaloneTask(
  context: RunTaskContext,
  cluster: string,
  definition: EcsTaskDefinitionRecord,
  input: Record<string, unknown>,
): EcsTaskRecord {
  const id = newTaskId();
  const overrides = input.overrides as { containerOverrides?: ContainerOverride[] } | undefined;
  const commandOf = (name: string) => overrides?.containerOverrides?.find((o) => o.name === name)?.command;
  const strategy = input.capacityProviderStrategy as { capacityProvider?: string }[] | undefined;
  const containers = (definition.input.containerDefinitions as Record<string, unknown>[]).map((c) => ({
    name: String(c.name),
    image: String(c.image),
    lastStatus: 'PENDING',
    essential: c.essential !== false,
    command: commandOf(String(c.name)) ?? (c.command as string[] | undefined),
  }));
  return {
    arn: `arn:aws:ecs:${context.region}:${context.accountId}:task/${cluster}/${id}`,
    id,
    cluster,
    service: '',
    deploymentId: '',
    taskDefinition: definition.arn,
    desiredStatus: 'RUNNING',
    lastStatus: 'PROVISIONING',
    createdAt: new Date(),
    containers,
    ticks: 0,
    version: 1,
    standalone: {
      group: (input.group as string | undefined) ?? `family:${definition.family}`,
      startedBy: input.startedBy as string | undefined,
      overrides: overrides as Record<string, unknown> | undefined,
      launchType: strategy ? undefined : String(input.launchType ?? 'FARGATE'),
      capacityProviderName: strategy?.[0]?.capacityProvider,
      clusterArn: `arn:aws:ecs:${context.region}:${context.accountId}:cluster/${cluster}`,
    },
  };
}

/** StopTask: the task stops (`UserInitiated`); running containers exit 143 (SIGTERM). */
export function stopTask(context: RunTaskContext, input: Record<string, unknown>): EcsTaskRecord {
  const cluster = context.cluster(input.cluster);
  const id = String(input.task).split('/').at(-1);
  const task = context.tasks.find((t) => t.cluster === cluster && t.id === id);
  if (!task) throw new AwsServiceError('InvalidParameterException', 'The referenced task was not found.');
  if (task.desiredStatus === 'STOPPED') return task;
  task.desiredStatus = 'STOPPED';
  task.stopCode = 'UserInitiated';
  task.stoppedReason = (input.reason as string | undefined) ?? 'Task stopped by user';
  task.exit = undefined;
  for (const container of task.containers) if (container.lastStatus === 'RUNNING') container.exitCode = 143;
  task.version++;
  return task;
}
