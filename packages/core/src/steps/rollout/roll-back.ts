/**
 * roll-back: after a multi-service rollout failed (a service's deployment, a timeout, an interruption, an
 * update that ECS refused half-way), put every service it changed back on its previous revision and wait
 * until each is there: a deployment still in flight is stopped with rollback (StopServiceDeployment
 * ROLLBACK), a service on the new revision is updated to the previous one (UpdateService), a service ECS is
 * already rolling back is waited for. Never throws for one service: it says which it could not restore.
 */
import { formatDuration } from '../../inputs/inputs.js';
import type { ContainerService, ServiceInfo } from '../../ports/ports.js';
import type { StepContext } from '../step.js';
import { done, type StepOutcome } from '../step.js';
import { completeDeployment } from './render.js';
import { IN_FLIGHT } from './service-deployment.js';
import { shortTaskDefinition } from './task-definition.js';

interface RollBackTarget {
  name: string;
  service: string;
  /** The revision the rollout moved it to, and the one it goes back to. */
  taskDefinition: string;
  previousTaskDefinition: string;
}

export interface RollBackInput {
  cluster: string;
  targets: readonly RollBackTarget[];
  pollIntervalMs: number;
  timeoutMs: number;
}

export interface RolledBack {
  name: string;
  service: string;
  /** Back on its previous revision with its deployment complete. */
  restored: boolean;
  /** What was done and where it ended, in a sentence. */
  detail: string;
}

export async function rollBackServices(
  input: RollBackInput,
  ports: { containers: ContainerService },
  ctx: StepContext,
): Promise<StepOutcome<RolledBack[]>> {
  const started = ctx.clock.now();
  const results = await Promise.all(input.targets.map((t) => rollBackOne(input, t, ports, ctx)));
  const restored = results.filter((r) => r.restored).length;
  const took = formatDuration(ctx.clock.now() - started);
  const summary = `${restored} of ${results.length} service${results.length === 1 ? '' : 's'} back on their previous revision (${took}): ${results.map((r) => `${r.name}: ${r.detail}`).join('; ')}`;
  return done(summary, results);
}

async function rollBackOne(
  input: RollBackInput,
  target: RollBackTarget,
  ports: { containers: ContainerService },
  ctx: StepContext,
): Promise<RolledBack> {
  const back = shortTaskDefinition(target.previousTaskDefinition);
  const result = (restored: boolean, detail: string): RolledBack => ({
    name: target.name,
    service: target.service,
    restored,
    detail,
  });
  try {
    const how = await startRollBack(target, ports, ctx, await describe(input, target, ports));
    const deadline = ctx.clock.now() + input.timeoutMs;
    for (;;) {
      const service = await describe(input, target, ports);
      if (service.taskDefinition === target.previousTaskDefinition && completeDeployment(service))
        return result(true, `${how}; back on ${back}`);
      if (how.startsWith('stopped') && service.currentServiceDeployment) {
        const d = await ports.containers.describeServiceDeployment(service.currentServiceDeployment);
        if (d.status === 'ROLLBACK_FAILED' || d.status === 'STOPPED')
          return result(
            false,
            `${how}, and ECS ended it ${d.status}: it runs ${shortTaskDefinition(service.taskDefinition)}`,
          );
      }
      if (ctx.clock.now() >= deadline)
        return result(
          false,
          `${how}, and it was not back on ${back} within ${formatDuration(input.timeoutMs)}`,
        );
      await ctx.clock.sleep(input.pollIntervalMs);
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return result(false, `could not be put back on ${back}: ${message}`);
  }
}

function describe(
  input: RollBackInput,
  target: RollBackTarget,
  ports: { containers: ContainerService },
): Promise<ServiceInfo> {
  return ports.containers.describeService(input.cluster, target.service);
}

/** Start the way back that fits where the service is; returns what was done. */
async function startRollBack(
  target: RollBackTarget,
  ports: { containers: ContainerService },
  ctx: StepContext,
  service: ServiceInfo,
): Promise<string> {
  const back = shortTaskDefinition(target.previousTaskDefinition);
  if (service.taskDefinition === target.previousTaskDefinition) return rolledBackByEcs(target, ctx);
  const arn = service.currentServiceDeployment;
  const current = arn
    ? await ports.containers.describeServiceDeployment(arn).catch(() => undefined)
    : undefined;
  if (arn && current && IN_FLIGHT.has(current.status)) {
    ctx.progress(`${target.name}: stopping the deployment of ${target.service} with rollback to ${back}`);
    try {
      await ports.containers.stopServiceDeployment(arn);
      return `stopped its deployment with rollback (StopServiceDeployment)`;
    } catch (error) {
      // It may have ended between the look and the stop (ECS answers ConflictException): then the update
      // below takes it back, unless ECS itself rolled it back as it ended. Still in flight, or no answer:
      // the stop's error stands.
      const now = await ports.containers.describeServiceDeployment(arn).catch(() => undefined);
      if (!now || IN_FLIGHT.has(now.status)) throw error;
      const after = await ports.containers.describeService(service.cluster, target.service);
      if (after.taskDefinition === target.previousTaskDefinition) return rolledBackByEcs(target, ctx);
    }
  }
  ctx.progress(`${target.name}: updating ${target.service} back to ${back}`);
  await ports.containers.updateService(service.cluster, target.service, target.previousTaskDefinition);
  return `updated back to ${back} (UpdateService)`;
}

/** ECS is taking the service back on its own (its circuit breaker or alarms): the roll-back only waits. */
function rolledBackByEcs(target: RollBackTarget, ctx: StepContext): string {
  const back = shortTaskDefinition(target.previousTaskDefinition);
  ctx.progress(`${target.name}: ECS is taking ${target.service} back to ${back}; waiting`);
  return 'ECS rolled it back';
}
