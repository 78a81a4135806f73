import {
  type EcsDeployment,
  type EcsServiceRecord,
  type EcsTaskDefinitionRecord,
  type EcsTaskRecord,
  failureThreshold,
  newDeploymentId,
  newEvent,
  newTaskId,
} from './ecs-records.js';
import {
  CRASH_LABEL,
  EXIT_CODE_LABEL,
  type ImagePull,
  type PullSource,
  pullImage,
  RUN_SECONDS_LABEL,
} from './image-pull.js';

/** What the scheduler needs from the ECS state around it. */
export interface SchedulerContext {
  region: string;
  accountId: string;
  pullSource: PullSource | undefined;
  taskDefinition(arn: string): EcsTaskDefinitionRecord | undefined;
  /** Called for every image pull a task made. */
  onPull(pull: ImagePull): void;
  /** Register a task the scheduler launched. */
  addTask(task: EcsTaskRecord): void;
  /** Real milliseconds that `seconds` of ECS time take on the compressed clock. */
  scaledSeconds(seconds: number): number;
}

const CIRCUIT_BREAKER_FAILED = 'ECS deployment circuit breaker: tasks failed to start.';

const isLive = (task: EcsTaskRecord) => task.desiredStatus === 'RUNNING';
export const isRunning = (task: EcsTaskRecord) => isLive(task) && task.lastStatus === 'RUNNING';
/** Ticks a task must stay RUNNING before it counts as healthy (a crashing container exits before that). */
export const STEADY_TICKS = 3;
/** RUNNING long enough to count towards a deployment's completion. */
export const isSteady = (task: EcsTaskRecord) => isRunning(task) && task.ticks >= STEADY_TICKS;
export const isPending = (task: EcsTaskRecord) =>
  isLive(task) && (task.lastStatus === 'PROVISIONING' || task.lastStatus === 'PENDING');

function addEvent(service: EcsServiceRecord, message: string): void {
  service.events.unshift(newEvent(`(service ${service.name}) ${message}`));
  service.events.length = Math.min(service.events.length, 100);
}

/** Start a deployment of `taskDefinition` as the new PRIMARY; the previous ones become ACTIVE. */
export function startDeployment(
  service: EcsServiceRecord,
  taskDefinition: string,
  reason?: string,
): EcsDeployment {
  const now = new Date();
  for (const deployment of service.deployments) deployment.status = 'ACTIVE';
  const id = newDeploymentId();
  const deployment: EcsDeployment = {
    id,
    status: 'PRIMARY',
    taskDefinition,
    desiredCount: service.desiredCount,
    failedTasks: 0,
    createdAt: now,
    updatedAt: now,
    rolloutState: 'IN_PROGRESS',
    rolloutStateReason: reason ?? `ECS deployment ${id} in progress.`,
  };
  service.deployments.unshift(deployment);
  service.taskDefinition = taskDefinition;
  return deployment;
}

/** One scheduler tick of one service: move tasks along, launch, trip the breaker, drain, complete. */
export function advanceService(
  service: EcsServiceRecord,
  tasks: EcsTaskRecord[],
  context: SchedulerContext,
): void {
  for (const task of tasks) advanceTask(service, task, context);
  const primary = service.deployments.find((d) => d.status === 'PRIMARY');
  if (!primary) return;
  const own = tasks.filter((t) => t.deploymentId === primary.id);
  if (tripCircuitBreaker(service, primary, own, context)) return;
  if (primary.rolloutState === 'FAILED') return;
  launchMissing(service, primary, own, context);
  if (own.filter(isSteady).length < primary.desiredCount || primary.held) return;
  drainOthers(service, primary, tasks);
}

/** One tick of one task: provisioning, the image pulls, running, crashing or exiting, stopping. */
export function advanceTask(
  service: EcsServiceRecord | undefined,
  task: EcsTaskRecord,
  context: SchedulerContext,
): void {
  if (task.lastStatus === 'STOPPED') return;
  task.ticks++;
  const change = (status: EcsTaskRecord['lastStatus']) => {
    task.lastStatus = status;
    task.ticks = 0;
    task.version++;
  };
  if (task.desiredStatus === 'STOPPED') {
    if (task.lastStatus !== 'STOPPING') {
      task.stoppingAt ??= new Date();
      change('STOPPING');
    } else finishStop(task, 0);
    return;
  }
  switch (task.lastStatus) {
    case 'PROVISIONING':
      change('PENDING');
      startPulls(task, context);
      return;
    case 'PENDING':
      if (!task.pull?.settled) return;
      task.pullStoppedAt = new Date();
      if (task.pull.error || task.standalone?.failToStart) {
        failTask(service, task, 'TaskFailedToStart', task.pull.error ?? task.standalone?.failToStart ?? '');
        return;
      }
      task.startedAt = new Date();
      for (const container of task.containers) container.lastStatus = 'RUNNING';
      if (task.standalone) task.exit = planExit(task, context);
      change('RUNNING');
      return;
    case 'RUNNING':
      if (task.exit) {
        if (Date.now() >= task.exit.at) exitTask(task, task.exit.code);
        return;
      }
      if (task.pull?.crashing && task.ticks >= 1) {
        const crashed = task.containers.find((c) => c.name === task.pull?.crashing);
        if (crashed) crashed.exitCode = 1;
        failTask(service, task, 'EssentialContainerExited', 'Essential container in task exited');
      }
      return;
    default:
      return;
  }
}

function startPulls(task: EcsTaskRecord, context: SchedulerContext): void {
  task.pullStartedAt = new Date();
  const pull: NonNullable<EcsTaskRecord['pull']> = { settled: false };
  task.pull = pull;
  void Promise.all(task.containers.map((c) => pullImage(c.image, context.pullSource))).then((pulls) => {
    pulls.forEach((result, i) => {
      context.onPull(result);
      const container = task.containers[i];
      if (!container) return;
      if (result.digest) container.imageDigest = result.digest;
      if (result.error) container.reason = result.error;
      container.labels = result.labels;
      if (crashes(result.labels, container.name) && container.essential) pull.crashing ??= container.name;
    });
    pull.error = pulls.find((p) => p.error)?.error;
    pull.settled = true;
  });
}

/** The crash label: `true` crashes every container of the image, a list of names (`worker,cron`) only those. */
function crashes(labels: Readonly<Record<string, string>>, container: string): boolean {
  const value = labels[CRASH_LABEL];
  if (value === undefined) return false;
  return value === 'true' || value.split(',').some((name) => name.trim() === container);
}

function finishStop(task: EcsTaskRecord, exitCode: number): void {
  task.lastStatus = 'STOPPED';
  task.stoppedAt = new Date();
  task.ticks = 0;
  task.version++;
  for (const container of task.containers) {
    if (container.lastStatus === 'RUNNING') container.exitCode ??= exitCode;
    container.lastStatus = 'STOPPED';
  }
}

/**
 * When a standalone task's essential containers exit and with which code: a command override with `exit N`
 * exits N, one containing `fail` exits 1; else the image's `hosting.test/exit-code` label, the crash label (1),
 * or 0. It runs `sleep N` (command) or `hosting.test/run-seconds` ECS seconds, else one tick.
 */
function planExit(task: EcsTaskRecord, context: SchedulerContext): { code: number; at: number } {
  const essential = task.containers.filter((c) => c.essential);
  let code = 0;
  let seconds = 0;
  for (const container of essential) {
    const command = (container.command ?? []).join(' ');
    const labels = container.labels ?? {};
    const exit = /\bexit[ =](\d+)\b/.exec(command)?.[1];
    const own = exit
      ? Number(exit)
      : /fail/i.test(command)
        ? 1
        : labels[EXIT_CODE_LABEL] !== undefined
          ? Number(labels[EXIT_CODE_LABEL])
          : crashes(labels, container.name)
            ? 1
            : 0;
    if (own !== 0 && code === 0) code = own;
    const sleep = /\bsleep (\d+)\b/.exec(command)?.[1] ?? labels[RUN_SECONDS_LABEL];
    seconds = Math.max(seconds, Number(sleep ?? 0));
  }
  return { code, at: Date.now() + context.scaledSeconds(seconds) };
}

function exitTask(task: EcsTaskRecord, code: number): void {
  for (const container of task.containers) if (container.essential) container.exitCode = code;
  task.desiredStatus = 'STOPPED';
  task.stopCode = 'EssentialContainerExited';
  task.stoppedReason = 'Essential container in task exited';
  task.stoppingAt = new Date();
  finishStop(task, 0);
}

function failTask(
  service: EcsServiceRecord | undefined,
  task: EcsTaskRecord,
  stopCode: 'TaskFailedToStart' | 'EssentialContainerExited',
  reason: string,
): void {
  task.desiredStatus = 'STOPPED';
  task.stopCode = stopCode;
  task.stoppedReason = reason;
  task.stoppingAt = new Date();
  finishStop(task, 0);
  const deployment = service?.deployments.find((d) => d.id === task.deploymentId);
  if (deployment) {
    deployment.failedTasks++;
    deployment.updatedAt = new Date();
  }
}

function launchMissing(
  service: EcsServiceRecord,
  deployment: EcsDeployment,
  own: EcsTaskRecord[],
  context: SchedulerContext,
): void {
  const missing = deployment.desiredCount - own.filter(isLive).length;
  if (missing <= 0) return;
  const definition = context.taskDefinition(deployment.taskDefinition);
  if (!definition) return;
  const started: string[] = [];
  for (let i = 0; i < missing; i++) {
    const task = newTask(service, deployment, definition, context);
    context.addTask(task);
    started.push(task.id);
  }
  addEvent(service, `has started ${started.length} tasks: ${started.map((id) => `(task ${id})`).join(' ')}.`);
}

/** A new task of a deployment, PROVISIONING. */
export function newTask(
  service: EcsServiceRecord,
  deployment: EcsDeployment,
  definition: EcsTaskDefinitionRecord,
  context: Pick<SchedulerContext, 'region' | 'accountId'>,
): EcsTaskRecord {
  const id = newTaskId();
  const containers = (definition.input.containerDefinitions as Record<string, unknown>[]).map((c) => ({
    name: String(c.name),
    image: String(c.image),
    lastStatus: 'PENDING',
    essential: c.essential !== false,
  }));
  return {
    arn: `arn:aws:ecs:${context.region}:${context.accountId}:task/${service.cluster}/${id}`,
    id,
    cluster: service.cluster,
    service: service.name,
    deploymentId: deployment.id,
    taskDefinition: definition.arn,
    desiredStatus: 'RUNNING',
    lastStatus: 'PROVISIONING',
    createdAt: new Date(),
    containers,
    ticks: 0,
    version: 1,
  };
}

function tripCircuitBreaker(
  service: EcsServiceRecord,
  primary: EcsDeployment,
  own: EcsTaskRecord[],
  context: SchedulerContext,
): boolean {
  const breaker = service.deploymentConfiguration.deploymentCircuitBreaker;
  if (!breaker?.enable || primary.rolloutState !== 'IN_PROGRESS') return false;
  if (primary.failedTasks < failureThreshold(primary.desiredCount)) return false;
  primary.rolloutState = 'FAILED';
  primary.rolloutStateReason = CIRCUIT_BREAKER_FAILED;
  primary.updatedAt = new Date();
  addEvent(service, `(deployment ${primary.id}) deployment failed: tasks failed to start.`);
  stopTasks(service, primary, own);
  if (primary.held) return true; // its service deployment rolls back (traffic back to the source)
  const target = service.lastCompleted;
  if (!breaker.rollback || !target || target.taskDefinition === primary.taskDefinition) return true;
  if (!context.taskDefinition(target.taskDefinition)) return true;
  startDeployment(
    service,
    target.taskDefinition,
    `ECS deployment circuit breaker: rolling back to deploymentId ${target.id}.`,
  );
  primary.desiredCount = 0;
  addEvent(service, `rolling back to deployment ${target.id}.`);
  return true;
}

export function stopTasks(
  service: EcsServiceRecord,
  deployment: EcsDeployment,
  tasks: EcsTaskRecord[],
): void {
  const stopping = tasks.filter((t) => t.deploymentId === deployment.id && isLive(t));
  for (const task of stopping) {
    task.desiredStatus = 'STOPPED';
    task.stopCode = 'ServiceSchedulerInitiated';
    task.stoppedReason = `Scaling activity initiated by (deployment ${deployment.id})`;
    task.version++;
  }
  if (stopping.length > 0) {
    addEvent(
      service,
      `has stopped ${stopping.length} running tasks: ${stopping.map((t) => `(task ${t.id})`).join(' ')}.`,
    );
  }
}

/** The primary runs all its tasks: stop the others' tasks, drop drained deployments, then complete. */
function drainOthers(service: EcsServiceRecord, primary: EcsDeployment, tasks: EcsTaskRecord[]): void {
  for (const deployment of service.deployments.filter((d) => d !== primary)) {
    if (deployment.desiredCount !== 0) {
      deployment.desiredCount = 0;
      deployment.updatedAt = new Date();
    }
    stopTasks(service, deployment, tasks);
  }
  service.deployments = service.deployments.filter(
    (d) => d === primary || tasks.some((t) => t.deploymentId === d.id && t.lastStatus !== 'STOPPED'),
  );
  if (service.deployments.length > 1 || primary.rolloutState !== 'IN_PROGRESS') return;
  primary.rolloutState = 'COMPLETED';
  primary.rolloutStateReason = `ECS deployment ${primary.id} completed.`;
  primary.updatedAt = new Date();
  service.lastCompleted = { id: primary.id, taskDefinition: primary.taskDefinition };
  addEvent(service, `(deployment ${primary.id}) deployment completed.`);
  addEvent(service, 'has reached a steady state.');
}
