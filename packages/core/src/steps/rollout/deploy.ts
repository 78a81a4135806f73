import { RemoteError } from '../../errors/errors.js';
import type { ContainerService, TaskDefinitionInfo } from '../../ports/ports.js';
import type { StepContext } from '../step.js';
import { done, type StepOutcome, skipped } from '../step.js';
import { shortTaskDefinition } from './task-definition.js';

export interface DeployInput {
  cluster: string;
  service: string;
  /** The registered revision; undefined when the service already runs the image. */
  next: TaskDefinitionInfo | undefined;
}

export interface Deployed {
  /** The deployment this rollout started (`ecs-svc/...`); undefined when nothing was deployed. */
  deploymentId: string | undefined;
}

/** deploy: UpdateService with the new revision; the deployment it starts is the one the wait follows. */
export async function deployRevision(
  input: DeployInput,
  ports: { containers: ContainerService },
  ctx: StepContext,
): Promise<StepOutcome<Deployed>> {
  const next = input.next;
  if (!next)
    return skipped(`${input.service} already runs that image: not updated`, { deploymentId: undefined });
  ctx.progress(`updating ${input.service} to ${shortTaskDefinition(next.arn)}`);
  const service = await ports.containers.updateService(input.cluster, input.service, next.arn);
  const deployment = service.deployments.find((d) => d.status === 'PRIMARY' && d.taskDefinition === next.arn);
  if (!deployment) {
    throw new RemoteError(
      'ecs',
      'ECS_DEPLOYMENT_NOT_FOUND',
      `ECS accepted the update of ${input.service} to ${shortTaskDefinition(next.arn)} but lists no deployment of it.`,
      { fix: 'Check the service in the ECS console; run the rollout again if it did not start.' },
    );
  }
  return done(`deployment ${deployment.id} of ${shortTaskDefinition(next.arn)} started`, {
    deploymentId: deployment.id,
  });
}
