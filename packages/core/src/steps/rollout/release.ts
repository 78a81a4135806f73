/**
 * release: a one-off task before any service changes (database migrations): RunTask of the named service's
 * new revision, with that service's network configuration and launch type or capacity provider strategy and
 * the app container's command replaced; wait for STOPPED; only exit code 0 of that container goes on. A task
 * that cannot start, a non-zero exit or the timeout (then StopTask) fails the rollout before any
 * UpdateService, naming the exit code, the stopped reason and where the logs are. An interruption stops it.
 */
import { DeploymentFailedError, InterruptedError, TimeoutError } from '../../errors/errors.js';
import { formatDuration } from '../../inputs/inputs.js';
import type { ContainerService, ServiceInfo, TaskDefinitionInfo, TaskInfo } from '../../ports/ports.js';
import type { StepContext } from '../step.js';
import { done, type StepOutcome } from '../step.js';
import { shortTaskDefinition } from './task-definition.js';

export interface ReleaseInput {
  cluster: string;
  /** The service's name in the plan, and the service as render described it. */
  name: string;
  service: ServiceInfo;
  /** The revision the task runs: the service's new one (its current one when it already runs the image). */
  taskDefinition: TaskDefinitionInfo;
  container: string;
  command: readonly string[];
  timeoutMs: number;
  pollIntervalMs: number;
}

/** What the release task did; filled in as it goes, so a failure still carries it. */
export interface ReleaseRecord {
  taskArn: string | undefined;
  exitCode: number | undefined;
  stoppedReason: string | undefined;
  /** Where the app container's output went, e.g. "CloudWatch Logs group /ecs/web, stream ecs/web/<task id>". */
  logs: string | undefined;
}

/** How long a stopped (timed-out or interrupted) task is waited for before the run goes on. */
const STOP_WAIT_MS = 120_000;

export async function runRelease(
  input: ReleaseInput,
  ports: { containers: ContainerService },
  ctx: StepContext,
  record: ReleaseRecord,
): Promise<StepOutcome<ReleaseRecord>> {
  const td = shortTaskDefinition(input.taskDefinition.arn);
  const what = `The release task ${JSON.stringify(input.command)} (${td}, ${input.name})`;
  ctx.progress(`running ${JSON.stringify(input.command)} in a task of ${td}`);
  const started = ctx.clock.now();
  const run = await ports.containers.runTask({
    cluster: input.cluster,
    taskDefinition: input.taskDefinition.arn,
    container: input.container,
    command: input.command,
    startedBy: 'hosting-rollout-release',
    networkConfiguration: input.service.networkConfiguration,
    launchType: input.service.launchType,
    capacityProviderStrategy: input.service.capacityProviderStrategy,
  });
  if (!run.task) {
    record.stoppedReason = run.failures.join('; ') || 'RunTask started no task';
    throw failed(`${what} could not start: ${record.stoppedReason}.`, record);
  }
  record.taskArn = run.task.arn;
  record.logs = logLocation(input, run.task.arn);
  ctx.progress(`task ${taskId(run.task.arn)} started; its logs: ${record.logs}`);
  const task = await follow(input, ports, ctx, record, run.task.arn);
  const container = task.containers.find((c) => c.name === input.container);
  record.exitCode = container?.exitCode;
  record.stoppedReason = [task.stoppedReason, container?.reason].filter(Boolean).join('; ') || undefined;
  const took = formatDuration(ctx.clock.now() - started);
  if (record.exitCode === 0)
    return done(`${what} exited 0 (${took}); task ${taskId(run.task.arn)}`, { ...record });
  const ended =
    record.exitCode === undefined
      ? `did not run (${task.stopCode ?? 'no exit code'})`
      : `exited with code ${record.exitCode}`;
  throw failed(`${what} ${ended} after ${took}: ${record.stoppedReason ?? 'no reason given'}.`, record);
}

/** Poll the task until STOPPED; at the timeout or an interruption, stop it (StopTask) and say so. */
async function follow(
  input: ReleaseInput,
  ports: { containers: ContainerService },
  ctx: StepContext,
  record: ReleaseRecord,
  arn: string,
): Promise<TaskInfo> {
  const deadline = ctx.clock.now() + input.timeoutMs;
  let last = '';
  for (;;) {
    const task = await ports.containers.describeTask(input.cluster, arn);
    if (task.lastStatus !== last) ctx.progress(`task ${taskId(arn)} ${task.lastStatus}`);
    last = task.lastStatus;
    if (task.lastStatus === 'STOPPED') return task;
    const remaining = deadline - ctx.clock.now();
    if (remaining <= 0) {
      const reason = `hosting rollout: the release task outlived its timeout of ${formatDuration(input.timeoutMs)}`;
      await stopAndWait(input, ports, ctx, arn, reason);
      throw new TimeoutError(
        `The release task ${JSON.stringify(input.command)} ran longer than its timeout of ${formatDuration(input.timeoutMs)}: it was stopped (StopTask). No service was updated. Its logs: ${record.logs}.`,
        {
          fix: 'Make the task finish sooner, or raise "timeout:" under "release:" in the App spec; then roll out again.',
          details: { task: arn },
        },
      );
    }
    try {
      await ctx.clock.sleep(Math.min(input.pollIntervalMs, remaining), ctx.signal);
    } catch (error) {
      await stopAndWait(input, ports, ctx, arn, 'hosting rollout was interrupted');
      throw new InterruptedError(
        `Interrupted while the release task ran: it was stopped (StopTask). No service was updated. Its logs: ${record.logs}.`,
        { cause: error, details: { task: arn } },
      );
    }
  }
}

async function stopAndWait(
  input: ReleaseInput,
  ports: { containers: ContainerService },
  ctx: StepContext,
  arn: string,
  reason: string,
): Promise<void> {
  ctx.progress(`stopping task ${taskId(arn)}: ${reason}`);
  await ports.containers.stopTask(input.cluster, arn, reason);
  const deadline = ctx.clock.now() + STOP_WAIT_MS;
  while (ctx.clock.now() < deadline) {
    const task = await ports.containers.describeTask(input.cluster, arn);
    if (task.lastStatus === 'STOPPED') return;
    await ctx.clock.sleep(input.pollIntervalMs);
  }
}

function failed(message: string, record: ReleaseRecord): DeploymentFailedError {
  return new DeploymentFailedError(
    `${message} No service was updated.${record.logs ? ` Its logs: ${record.logs}.` : ''}`,
    {
      code: 'RELEASE_FAILED',
      fix: 'Read the task\'s logs, fix the cause (or the command under "release:" in the App spec), deploy a new version or roll out again. Write migrations that the version still running can run against: nothing undoes them.',
      details: { task: record.taskArn, exitCode: record.exitCode, stoppedReason: record.stoppedReason },
    },
  );
}

const taskId = (arn: string) => arn.split('/').at(-1) ?? arn;

/** Where the app container's output goes, from its log configuration (awslogs: the group and the stream). */
function logLocation(input: ReleaseInput, arn: string): string {
  const container = input.taskDefinition.document.containerDefinitions.find(
    (c) => c.name === input.container,
  );
  const config = (
    container as { logConfiguration?: { logDriver?: string; options?: Record<string, string> } }
  )?.logConfiguration;
  if (!config?.logDriver) return `nowhere: the container ${input.container} has no log configuration`;
  const options = config.options ?? {};
  if (config.logDriver !== 'awslogs')
    return `the ${config.logDriver} log driver${
      Object.keys(options).length
        ? ` (${Object.entries(options)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')})`
        : ''
    }`;
  const group = options['awslogs-group'] ?? '(no awslogs-group)';
  const prefix = options['awslogs-stream-prefix'];
  const stream = prefix
    ? `stream ${prefix}/${input.container}/${taskId(arn)}`
    : 'no stream prefix: its stream is named by the task';
  const region = options['awslogs-region'] ? ` in ${options['awslogs-region']}` : '';
  return `CloudWatch Logs group ${group}${region}, ${stream}`;
}
