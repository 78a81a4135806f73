import { PreconditionError } from '../../errors/errors.js';
import type {
  ContainerService,
  ServiceDeployment,
  ServiceInfo,
  TaskDefinitionDocument,
  TaskDefinitionInfo,
} from '../../ports/ports.js';
import type { StepContext } from '../step.js';
import { done, type StepOutcome, skipped } from '../step.js';
import { diffDocuments, registrable, shortTaskDefinition, withImage } from './task-definition.js';

export interface RenderInput {
  cluster: string;
  service: string;
  container: string;
  /** `<registry>/<repository>@<digest>` */
  image: string;
  /** false for a dry run: render and diff, register nothing. */
  register: boolean;
}

export interface Rendered {
  /** The service as it was before the rollout. */
  service: ServiceInfo;
  previous: TaskDefinitionInfo;
  /** The registered revision; undefined when already running or in a dry run. */
  next: TaskDefinitionInfo | undefined;
  /** The service already runs exactly that image, with its deployment complete: nothing to do. */
  alreadyRunning: boolean;
  /** What changes, one line per setting (only the app container's image, by construction). */
  diff: readonly string[];
  /** The RegisterTaskDefinition input. */
  document: TaskDefinitionDocument;
}

/** The single, complete deployment of the service, if it has one. */
function completeDeployment(service: ServiceInfo): ServiceDeployment | undefined {
  const [only, ...others] = service.deployments;
  if (!only || others.length > 0 || only.taskDefinition !== service.taskDefinition) return undefined;
  const complete = only.rolloutState === undefined || only.rolloutState === 'COMPLETED';
  return complete && only.runningCount === only.desiredCount && only.pendingCount === 0 ? only : undefined;
}

/**
 * render: DescribeServices, DescribeTaskDefinition (with TAGS), then RegisterTaskDefinition with every
 * setting and tag kept and only the app container's image replaced, unless the service already runs it.
 */
export async function renderTaskDefinition(
  input: RenderInput,
  ports: { containers: ContainerService },
  ctx: StepContext,
): Promise<StepOutcome<Rendered>> {
  ctx.progress(`describing service ${input.service} in ${input.cluster}`);
  const service = await ports.containers.describeService(input.cluster, input.service);
  if (service.status !== 'ACTIVE') {
    throw new PreconditionError(
      'ECS_SERVICE_NOT_ACTIVE',
      `The ECS service ${input.service} in ${input.cluster} is ${service.status}, not ACTIVE.`,
      { fix: 'Recreate the service, or point the App spec at the right one ("service:" or --service).' },
    );
  }
  const controller = service.deploymentController ?? 'ECS';
  if (controller !== 'ECS') {
    const by = controller === 'CODE_DEPLOY' ? 'CodeDeploy' : 'an external deployment controller';
    throw new PreconditionError(
      'ECS_DEPLOYMENT_CONTROLLER',
      `The ECS service ${input.service} in ${input.cluster} uses the ${controller} deployment controller: its deployments are made by ${by}, not by UpdateService. Nothing was registered or changed.`,
      {
        fix: 'Move the service to the ECS deployment controller (ECS does blue/green, linear and canary natively; the rollout follows whichever strategy it has), or deploy it with the tool that controls it.',
      },
    );
  }
  const previous = await ports.containers.describeTaskDefinition(service.taskDefinition);
  const current = previous.document.containerDefinitions.find((c) => c.name === input.container);
  if (!current) {
    const names = previous.document.containerDefinitions.map((c) => c.name);
    throw new PreconditionError(
      'ECS_CONTAINER_NOT_FOUND',
      `The task definition ${shortTaskDefinition(previous.arn)} of ${input.service} has no container "${input.container}" (it has ${names.map((n) => `"${n}"`).join(', ')}).`,
      {
        fix: `Set "container:" for this environment in the App spec (or pass --container) to one of: ${names.join(', ')}.`,
      },
    );
  }
  const before = registrable(previous.document);
  const document = withImage(before, input.container, input.image);
  const diff = diffDocuments(before, document);
  const base = { service, previous, document, diff };
  if (current.image === input.image && completeDeployment(service)) {
    return skipped(
      `${input.service} already runs ${input.image} (${shortTaskDefinition(previous.arn)}): nothing to register`,
      { ...base, next: undefined, alreadyRunning: true },
    );
  }
  if (!input.register) {
    return done(
      `would register a new revision of ${previous.family} from ${shortTaskDefinition(previous.arn)}: ${diff.length} change${diff.length === 1 ? '' : 's'}`,
      { ...base, next: undefined, alreadyRunning: false },
    );
  }
  ctx.progress(`registering a new revision of ${previous.family}`);
  const next = await ports.containers.registerTaskDefinition(document, previous.tags);
  return done(
    `${shortTaskDefinition(next.arn)} registered from ${shortTaskDefinition(previous.arn)}, ${input.container} → ${input.image}`,
    { ...base, next, alreadyRunning: false },
  );
}
