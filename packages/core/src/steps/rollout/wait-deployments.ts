import { InterruptedError, RolloutFailedError, TimeoutError } from '../../errors/errors.js';
import { formatDuration } from '../../inputs/inputs.js';
import type { RolloutFixNames } from '../../plan/rollout.js';
import type {
  ContainerService,
  RolloutState,
  ServiceDeployment,
  ServiceEvent,
  ServiceInfo,
  StoppedTask,
} from '../../ports/ports.js';
import type { StepContext } from '../step.js';
import { done, type StepOutcome } from '../step.js';
import { shortTaskDefinition } from './task-definition.js';

/** What the `deployments[]` wait needs (the fallback where the service deployments API is unavailable). */
export interface DeploymentsWaitInput {
  cluster: string;
  service: string;
  deploymentId: string;
  /** The revision being rolled out, and the one before it. */
  taskDefinition: string;
  previousTaskDefinition: string;
  /** Service events already there before the update: not reported again. */
  knownEvents: readonly string[];
  timeoutMs: number;
  pollIntervalMs: number;
  /** How the adapter calls the timeout input, for the fix. */
  names: Pick<RolloutFixNames, 'timeout'>;
}

export interface DeploymentsWaited {
  rolloutState: RolloutState | undefined;
  /** The service events that appeared during the wait, oldest first. */
  events: readonly ServiceEvent[];
}

type Verdict = { ok: true } | { ok: false; reason: string } | undefined;

/**
 * Success, failure, or undefined for "not yet": judged on one DescribeServices of the service, and the
 * service events seen since the update (a failure and rollback can both happen between two polls).
 */
function judge(service: ServiceInfo, deploymentId: string, events: readonly ServiceEvent[] = []): Verdict {
  const mine = service.deployments.find((d) => d.id === deploymentId);
  const primary = service.deployments.find((d) => d.status === 'PRIMARY');
  const failed = events.find((e) => e.message.includes(deploymentId) && /deployment failed/i.test(e.message));
  const rollingBack = events.find((e) => /rolling back/i.test(e.message));
  if (!mine && failed) {
    return {
      ok: false,
      reason: `${failed.message.replace(/^\(service [^)]*\)\s*/, '')}${rollingBack ? ' (the circuit breaker rolled the service back)' : ''}`,
    };
  }
  if (mine?.rolloutState === 'FAILED') {
    const rolledBack = primary && primary.id !== deploymentId;
    return {
      ok: false,
      reason: `${mine.rolloutStateReason ?? 'the rollout state is FAILED'}${rolledBack ? ' (the circuit breaker rolled the service back)' : ''}`,
    };
  }
  if (!mine)
    return { ok: false, reason: `the service moved on to another deployment and dropped ${deploymentId}` };
  if (primary && primary.id !== deploymentId) {
    return {
      ok: false,
      reason: `the service moved on to deployment ${primary.id} (${shortTaskDefinition(primary.taskDefinition)})`,
    };
  }
  const settled = mine.rolloutState === undefined || mine.rolloutState === 'COMPLETED';
  if (service.deployments.length === 1 && mine.runningCount === mine.desiredCount && settled)
    return { ok: true };
  return undefined;
}

function progressLine(d: ServiceDeployment, others: number): string {
  return `${d.id}: ${d.runningCount}/${d.desiredCount} running, ${d.pendingCount} pending, ${d.failedTasks} failed task${d.failedTasks === 1 ? '' : 's'}${others > 0 ? `; ${others} older deployment${others === 1 ? '' : 's'} still active` : ''}${d.rolloutState ? ` (${d.rolloutState})` : ''}`;
}

/**
 * wait: follow the deployment started by `deploy` until it is the only one with every desired task
 * running (success), or it fails: rollout state FAILED, a circuit-breaker rollback, or the service
 * moving to another deployment. Polls every `pollIntervalMs`; reports each new service event once.
 */
export async function waitForDeployment(
  input: DeploymentsWaitInput,
  ports: { containers: ContainerService },
  ctx: StepContext,
): Promise<StepOutcome<DeploymentsWaited>> {
  const { clock } = ctx;
  const started = clock.now();
  const deadline = started + input.timeoutMs;
  const seen = new Set(input.knownEvents);
  const events: ServiceEvent[] = [];
  let last = '';
  for (;;) {
    const service = await ports.containers.describeService(input.cluster, input.service);
    for (const event of [...service.events].reverse()) {
      if (seen.has(event.id)) continue;
      seen.add(event.id);
      events.push(event);
      ctx.progress(`event: ${event.message}`);
    }
    const mine = service.deployments.find((d) => d.id === input.deploymentId);
    const line = mine ? progressLine(mine, service.deployments.length - 1) : '';
    if (line && line !== last) ctx.progress(line);
    last = line || last;
    const verdict = judge(service, input.deploymentId, events);
    if (verdict?.ok) {
      return done(
        `${input.deploymentId} completed: ${mine?.runningCount ?? 0}/${mine?.desiredCount ?? 0} tasks of ${shortTaskDefinition(input.taskDefinition)} running (${formatDuration(clock.now() - started)})`,
        { rolloutState: mine?.rolloutState ?? 'COMPLETED', events },
      );
    }
    if (verdict) throw await failure(input, ports, service, verdict.reason, events);
    const remaining = deadline - clock.now();
    if (remaining <= 0) {
      throw new TimeoutError(
        `The deployment ${input.deploymentId} of ${shortTaskDefinition(input.taskDefinition)} did not complete within ${formatDuration(input.timeoutMs)}${last ? ` (last: ${last})` : ''}.`,
        {
          fix: `ECS keeps going: look at the service in the ECS console, or raise ${input.names.timeout}. The deployed label was not moved.`,
          details: { deploymentId: input.deploymentId },
        },
      );
    }
    try {
      await clock.sleep(Math.min(input.pollIntervalMs, remaining), ctx.signal);
    } catch (error) {
      throw new InterruptedError(
        `Interrupted while waiting for ${input.deploymentId}; ECS carries on with the deployment.`,
        { cause: error },
      );
    }
  }
}

/** The new revision's stopped tasks and their reasons (each once; the scheduler's own stops last). */
export async function stoppedTaskReasons(
  input: { cluster: string; service: string; deploymentId?: string | undefined; taskDefinition: string },
  ports: { containers: ContainerService },
): Promise<{ stopped: StoppedTask[]; reasons: string[] }> {
  const stopped = (await ports.containers.stoppedTasks(input.cluster, input.service)).filter(
    (t) =>
      (input.deploymentId !== undefined && t.startedBy === input.deploymentId) ||
      t.taskDefinition === input.taskDefinition,
  );
  // Tasks the scheduler stopped (scaling in during a rollback) say less than the ones that failed: last.
  stopped.sort(
    (a, b) =>
      Number(a.stopCode === 'ServiceSchedulerInitiated') - Number(b.stopCode === 'ServiceSchedulerInitiated'),
  );
  const reasons = [
    ...new Set(
      stopped.flatMap((t) => [
        ...(t.stoppedReason ? [t.stoppedReason] : []),
        ...t.containers.filter((c) => c.reason).map((c) => `${c.name}: ${c.reason}`),
      ]),
    ),
  ];
  return { stopped, reasons };
}

/** The failure, naming the reason, the stopped tasks' reasons and where the service went back to. */
async function failure(
  input: DeploymentsWaitInput,
  ports: { containers: ContainerService },
  service: ServiceInfo,
  reason: string,
  events: readonly ServiceEvent[],
): Promise<RolloutFailedError> {
  const { stopped, reasons } = await stoppedTaskReasons(input, ports);
  const primary = service.deployments.find((d) => d.status === 'PRIMARY');
  const backTo =
    primary && primary.taskDefinition !== input.taskDefinition ? primary.taskDefinition : undefined;
  const lines = [
    `The rollout of ${input.service} to ${shortTaskDefinition(input.taskDefinition)} failed: ${reason}.`,
    stopped.length > 0
      ? `${stopped.length} task${stopped.length === 1 ? '' : 's'} stopped: ${reasons.join('; ') || 'no reason given'}`
      : 'No stopped tasks of the new revision were found.',
    backTo
      ? `The service went back to ${shortTaskDefinition(backTo)}.`
      : `The service did not go back: it stays on ${shortTaskDefinition(service.taskDefinition)}.`,
  ];
  if (events.length > 0) lines.push(`Last event: ${events.at(-1)?.message ?? ''}`);
  return new RolloutFailedError(lines.join('\n'), reasons, backTo, {
    fix: 'Fix the image (the stopped reasons say why its tasks stopped), deploy a new version, and the next rollout picks it up. The deployed label was not moved.',
    details: { deploymentId: input.deploymentId, taskDefinition: input.taskDefinition, rolledBackTo: backTo },
  });
}
