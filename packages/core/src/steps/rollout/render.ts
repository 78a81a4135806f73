import { PreconditionError } from '../../errors/errors.js';
import type { RolloutFixNames } from '../../plan/rollout.js';
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

/** One service to render: its name in the plan, the ECS service and its app container. */
interface ServiceToRender {
  name: string;
  service: string;
  container: string;
}

export interface RenderInput {
  cluster: string;
  services: readonly ServiceToRender[];
  /** `<registry>/<repository>@<digest>` */
  image: string;
  /** false for a dry run: render and diff, register nothing. */
  register: boolean;
  /** How the adapter calls the overrides, for the fixes. */
  names: Pick<RolloutFixNames, 'service' | 'container'>;
}

export interface Rendered {
  /** The service's name in the plan. */
  name: string;
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
export function completeDeployment(service: ServiceInfo): ServiceDeployment | undefined {
  const [only, ...others] = service.deployments;
  if (!only || others.length > 0 || only.taskDefinition !== service.taskDefinition) return undefined;
  const complete = only.rolloutState === undefined || only.rolloutState === 'COMPLETED';
  return complete && only.runningCount === only.desiredCount && only.pendingCount === 0 ? only : undefined;
}

/**
 * render: for every service, DescribeServices and DescribeTaskDefinition (with TAGS), checked all before
 * anything is registered; then RegisterTaskDefinition with every setting and tag kept and only the app
 * container's image replaced, for each service that does not already run it.
 */
export async function renderServices(
  input: RenderInput,
  ports: { containers: ContainerService },
  ctx: StepContext,
): Promise<StepOutcome<Rendered[]>> {
  const inspected: Rendered[] = [];
  for (const s of input.services) inspected.push(await inspect(input, s, ports, ctx));
  const lines: string[] = [];
  const rendered: Rendered[] = [];
  for (const r of inspected) {
    const was = shortTaskDefinition(r.previous.arn);
    const target = input.services.find((s) => s.name === r.name);
    if (r.alreadyRunning) {
      lines.push(`${target?.service ?? r.name} already runs ${input.image} (${was}): nothing to register`);
      rendered.push(r);
    } else if (!input.register) {
      const n = r.diff.length;
      lines.push(
        `would register a new revision of ${r.previous.family} from ${was}: ${n} change${n === 1 ? '' : 's'}`,
      );
      rendered.push(r);
    } else {
      ctx.progress(`registering a new revision of ${r.previous.family}`);
      const next = await ports.containers.registerTaskDefinition(r.document, r.previous.tags);
      lines.push(
        `${shortTaskDefinition(next.arn)} registered from ${was}, ${target?.container ?? ''} → ${input.image}`,
      );
      rendered.push({ ...r, next });
    }
  }
  const summary = lines.join('; ');
  return rendered.every((r) => r.alreadyRunning) ? skipped(summary, rendered) : done(summary, rendered);
}

/** One service: described, checked, its document rendered; nothing registered. */
async function inspect(
  input: RenderInput,
  target: ServiceToRender,
  ports: { containers: ContainerService },
  ctx: StepContext,
): Promise<Rendered> {
  ctx.progress(`describing service ${target.service} in ${input.cluster}`);
  const service = await ports.containers.describeService(input.cluster, target.service);
  checkService(service, input, target.service);
  const previous = await ports.containers.describeTaskDefinition(service.taskDefinition);
  const current = previous.document.containerDefinitions.find((c) => c.name === target.container);
  if (!current) {
    const names = previous.document.containerDefinitions.map((c) => c.name);
    throw new PreconditionError(
      'ECS_CONTAINER_NOT_FOUND',
      `The task definition ${shortTaskDefinition(previous.arn)} of ${target.service} has no container "${target.container}" (it has ${names.map((n) => `"${n}"`).join(', ')}).`,
      {
        fix: `Set "container:" for this ${input.services.length > 1 ? `service (services.${target.name})` : 'environment'} in the App spec${input.services.length > 1 ? '' : ` (or pass ${input.names.container})`} to one of: ${names.join(', ')}. Nothing was registered or changed.`,
      },
    );
  }
  const before = registrable(previous.document);
  const document = withImage(before, target.container, input.image);
  const alreadyRunning = current.image === input.image && completeDeployment(service) !== undefined;
  const diff = diffDocuments(before, document);
  return { name: target.name, service, previous, next: undefined, alreadyRunning, diff, document };
}

/** An ACTIVE service under the ECS deployment controller, or a precondition error naming the fix. */
function checkService(service: ServiceInfo, input: RenderInput, name: string): void {
  const { cluster } = input;
  if (service.status !== 'ACTIVE') {
    throw new PreconditionError(
      'ECS_SERVICE_NOT_ACTIVE',
      `The ECS service ${name} in ${cluster} is ${service.status}, not ACTIVE.`,
      {
        fix: `Recreate the service, or point the App spec at the right one ("service:" or ${input.names.service}).`,
      },
    );
  }
  const controller = service.deploymentController ?? 'ECS';
  if (controller !== 'ECS') {
    const by = controller === 'CODE_DEPLOY' ? 'CodeDeploy' : 'an external deployment controller';
    throw new PreconditionError(
      'ECS_DEPLOYMENT_CONTROLLER',
      `The ECS service ${name} in ${cluster} uses the ${controller} deployment controller: its deployments are made by ${by}, not by UpdateService. Nothing was registered or changed.`,
      {
        fix: 'Move the service to the ECS deployment controller (ECS does blue/green, linear and canary natively; the rollout follows whichever strategy it has), or deploy it with the tool that controls it.',
      },
    );
  }
}
