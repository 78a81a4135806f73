import { RemoteError } from '../../errors/errors.js';
import type { ContainerService, TaskDefinitionInfo } from '../../ports/ports.js';
import type { StepContext } from '../step.js';
import { done, type StepOutcome, skipped } from '../step.js';
import { shortTaskDefinition } from './task-definition.js';

interface DeployInput {
  cluster: string;
  service: string;
  /** The registered revision; undefined when the service already runs the image. */
  next: TaskDefinitionInfo | undefined;
  /** The service deployment before the update (never taken for the one the update starts). */
  previousServiceDeployment: string | undefined;
}

interface Deployed {
  /** The deployment this rollout started (`ecs-svc/...`); undefined when nothing was deployed. */
  deploymentId: string | undefined;
  /** The service deployment ARN, when UpdateService named it (`currentServiceDeployment`). */
  serviceDeployment: string | undefined;
  /** When UpdateService was sent (epoch ms). */
  updatedAt: number;
}

/** One service's update: its name in the plan, its new revision, its service deployment before. */
export interface ServiceUpdate extends DeployInput {
  name: string;
}

export interface DeployedService extends Deployed {
  name: string;
}

/**
 * update-service: UpdateService with the new revision, for every service that has one, in order. Each
 * update is pushed to `updated` as soon as ECS accepted it, so a failure half-way still says which changed.
 */
export async function deployServices(
  updates: readonly ServiceUpdate[],
  ports: { containers: ContainerService },
  ctx: StepContext,
  updated: DeployedService[] = [],
): Promise<StepOutcome<DeployedService[]>> {
  const outcomes: StepOutcome<Deployed>[] = [];
  for (const update of updates) {
    const outcome = await deployRevision(update, ports, ctx);
    outcomes.push(outcome);
    if (outcome.status === 'done') updated.push({ name: update.name, ...outcome.value });
  }
  const summary = outcomes.map((o) => o.summary).join('; ');
  const all = outcomes.map((o, i) => ({ name: updates[i]?.name ?? '', ...o.value }));
  return updated.length === 0 ? skipped(summary, all) : done(summary, all);
}

/** UpdateService with the new revision; the deployment it starts is the one the wait follows. */
async function deployRevision(
  input: DeployInput,
  ports: { containers: ContainerService },
  ctx: StepContext,
): Promise<StepOutcome<Deployed>> {
  const next = input.next;
  if (!next)
    return skipped(`${input.service} already runs that image: not updated`, {
      deploymentId: undefined,
      serviceDeployment: undefined,
      updatedAt: ctx.clock.now(),
    });
  ctx.progress(`updating ${input.service} to ${shortTaskDefinition(next.arn)}`);
  const updatedAt = ctx.clock.now();
  const service = await ports.containers.updateService(input.cluster, input.service, next.arn);
  const deployment = service.deployments.find((d) => d.status === 'PRIMARY' && d.taskDefinition === next.arn);
  // A service deployment that names itself is enough: blue/green may list no PRIMARY of the new revision yet.
  const serviceDeployment =
    service.currentServiceDeployment !== input.previousServiceDeployment
      ? service.currentServiceDeployment
      : undefined;
  if (!deployment && !serviceDeployment) {
    throw new RemoteError(
      'ecs',
      'ECS_DEPLOYMENT_NOT_FOUND',
      `ECS accepted the update of ${input.service} to ${shortTaskDefinition(next.arn)} but lists no deployment of it.`,
      { fix: 'Check the service in the ECS console; run the rollout again if it did not start.' },
    );
  }
  const id = deployment?.id ?? serviceDeployment?.split('/').at(-1) ?? '';
  return done(`deployment ${id} of ${shortTaskDefinition(next.arn)} started`, {
    deploymentId: deployment?.id ?? serviceDeployment,
    serviceDeployment,
    updatedAt,
  });
}
