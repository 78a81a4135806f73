import type { DeployPlan } from '../plan/deploy.js';
import type {
  ImageInfo,
  InfraWorkflows,
  ParameterStore,
  ParameterValue,
  Registry,
  RegistryAuth,
} from '../ports/ports.js';
import { done, type StepContext, type StepOutcome } from './step.js';

export interface DeployPreflight {
  auth: RegistryAuth;
  /** `<registry>/<repository>:<tag>`. */
  image: string;
  /** The image when that tag is already in the registry: build and push are skipped. */
  existing: ImageInfo | undefined;
  /** The parameter now. */
  current: ParameterValue | undefined;
}

/**
 * Read-only checks of everything a deploy needs: the ECR repository (and registry credentials), the
 * image tag, the SSM parameter and the infra workflow. Checked concurrently; a failure is reported
 * in that order.
 */
export async function preflight(
  plan: DeployPlan,
  ports: { registry: Registry; parameters: ParameterStore; workflows: InfraWorkflows | undefined },
  ctx: StepContext,
): Promise<StepOutcome<DeployPreflight>> {
  const { registry, parameters, workflows } = ports;
  const wf = plan.workflow;
  ctx.progress(
    `ECR repository ${plan.image.repository}, SSM parameter ${plan.parameter.name}${workflows ? `, workflow ${wf.owner}/${wf.repo}/${wf.workflow}@${wf.ref}` : ''}`,
  );
  const [ecr, ssm, github] = await Promise.allSettled([
    (async () => {
      await registry.describeRepository(plan.image.repository);
      const auth = await registry.getAuthorization();
      ctx.reporter.registerSecret?.(auth.password);
      const found = await registry.findImage(plan.image.repository, plan.image.tag);
      return { auth, found };
    })(),
    parameters.get(plan.parameter.name),
    workflows ? workflows.preflight(plan.workflow) : Promise.resolve(undefined),
  ]);
  for (const outcome of [ecr, ssm, github]) if (outcome.status === 'rejected') throw outcome.reason;
  const { auth, found: existing } = (
    ecr as PromiseFulfilledResult<{ auth: RegistryAuth; found: ImageInfo | undefined }>
  ).value;
  const current = (ssm as PromiseFulfilledResult<ParameterValue | undefined>).value;
  const image = `${auth.registry}/${plan.image.repository}:${plan.image.tag}`;
  const parts = [
    `${image} ${existing ? `already in the registry (${existing.digest})` : 'will be built'}`,
    `${plan.parameter.name}: ${current?.value ?? '(not set)'} → ${plan.version}`,
  ];
  if (!workflows) parts.push('infra workflow not checked: no GitHub token');
  return done(parts.join('; '), { auth, image, existing, current });
}
