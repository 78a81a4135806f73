/**
 * continue / abort: act on the service deployment in flight. Continue resumes the pause hook awaiting
 * action (ContinueServiceDeployment CONTINUE); abort rolls back (ContinueServiceDeployment ROLLBACK when
 * paused, else StopServiceDeployment ROLLBACK). Nothing in flight is a precondition error.
 */
import { PreconditionError } from '../../errors/errors.js';
import type { ContainerService, ServiceDeploymentDetail } from '../../ports/ports.js';
import type { StepContext } from '../step.js';
import { done, type StepOutcome } from '../step.js';
import { awaitingHooks, IN_FLIGHT } from './service-deployment.js';

export type ResumeAction = 'continue' | 'abort';

export interface ResumeInput {
  application: string;
  environment: string;
  cluster: string;
  service: string;
  /** Every ECS service of the environment (several: the one paused, else the first in flight, is answered). */
  services?: readonly string[] | undefined;
  action: ResumeAction;
}

export interface Resumed {
  /** The ECS service whose deployment was answered. */
  service: string;
  serviceDeployment: string;
  /** The pause hook answered; undefined when abort stopped a deployment that was not paused. */
  hookId: string | undefined;
  /** The lifecycle stage the deployment was at. */
  stage: string | undefined;
  /** The ECS call made: ContinueServiceDeployment CONTINUE/ROLLBACK or StopServiceDeployment ROLLBACK. */
  call: string;
}

/** The service deployment in flight (PENDING or IN_PROGRESS), newest first; a precondition error when none. */
async function inFlight(
  input: ResumeInput,
  ports: { containers: ContainerService },
): Promise<ServiceDeploymentDetail> {
  const listed = await ports.containers.listServiceDeployments(input.cluster, input.service);
  const what = `${input.application} in ${input.environment} (service ${input.service} in ${input.cluster})`;
  if (listed === undefined) {
    throw new PreconditionError(
      'ECS_NOTHING_IN_FLIGHT',
      `The ECS service deployments API is not available for ${what}: hosting ${input.action} needs it.`,
      { fix: 'Use the ECS console or the AWS CLI in a region that has ListServiceDeployments.' },
    );
  }
  const current = listed.find((d) => IN_FLIGHT.has(d.status));
  if (!current) {
    const last = listed[0];
    throw new PreconditionError(
      'ECS_NOTHING_IN_FLIGHT',
      `No deployment of ${what} is in flight: nothing to ${input.action}${last ? ` (the last one ended ${last.status})` : ''}.`,
      { fix: 'Check hosting status or the infra run; start a new rollout if one is needed.' },
    );
  }
  return ports.containers.describeServiceDeployment(current.arn);
}

/** The deployment in flight to answer: of the only service, or among several the paused one, else the first. */
async function target(
  input: ResumeInput,
  ports: { containers: ContainerService },
): Promise<{ service: string; d: ServiceDeploymentDetail }> {
  const names = input.services ?? [input.service];
  if (names.length <= 1) return { service: input.service, d: await inFlight(input, ports) };
  const found: { service: string; d: ServiceDeploymentDetail }[] = [];
  for (const service of names) {
    try {
      found.push({ service, d: await inFlight({ ...input, service }, ports) });
    } catch (error) {
      if ((error as { code?: string }).code !== 'ECS_NOTHING_IN_FLIGHT') throw error;
    }
  }
  const chosen = found.find((f) => awaitingHooks(f.d).length > 0) ?? found[0];
  if (!chosen) {
    throw new PreconditionError(
      'ECS_NOTHING_IN_FLIGHT',
      `No deployment of ${input.application} in ${input.environment} (services ${names.join(', ')} in ${input.cluster}) is in flight: nothing to ${input.action}.`,
      { fix: 'Check hosting status or the infra run; start a new rollout if one is needed.' },
    );
  }
  return chosen;
}

export async function resumeDeployment(
  input: ResumeInput,
  ports: { containers: ContainerService },
  ctx: StepContext,
): Promise<StepOutcome<Resumed>> {
  const names = input.services ?? [input.service];
  ctx.progress(`looking for the deployment of ${names.join(', ')} in flight`);
  const { service, d } = await target(input, ports);
  const hook = awaitingHooks(d)[0];
  const at = d.lifecycleStage ? ` at ${d.lifecycleStage}` : '';
  const short = d.arn.split('/').at(-1) ?? d.arn;
  const answered = (call: string, hookId: string | undefined): Resumed => ({
    service,
    serviceDeployment: d.arn,
    hookId,
    stage: d.lifecycleStage,
    call,
  });
  if (input.action === 'continue') {
    if (!hook) {
      throw new PreconditionError(
        'ECS_NOT_PAUSED',
        `The deployment ${short} of ${service} is ${d.status}${at}, at no pause hook awaiting action: nothing to continue.`,
        {
          fix: `Wait for the rollout to announce the pause, or roll it back with hosting abort --app ${input.application} --env ${input.environment}.`,
        },
      );
    }
    await ports.containers.continueServiceDeployment(d.arn, hook.id, 'CONTINUE');
    const value = answered('ContinueServiceDeployment CONTINUE', hook.id);
    return done(`resumed deployment ${short} of ${service} paused${at} (hook ${hook.id})`, value);
  }
  if (hook) {
    await ports.containers.continueServiceDeployment(d.arn, hook.id, 'ROLLBACK');
    return done(
      `rollback of deployment ${short} of ${service} requested at its pause${at} (hook ${hook.id})`,
      answered('ContinueServiceDeployment ROLLBACK', hook.id),
    );
  }
  await ports.containers.stopServiceDeployment(d.arn);
  return done(
    `rollback of deployment ${short} of ${service} requested${at}`,
    answered('StopServiceDeployment ROLLBACK', undefined),
  );
}
