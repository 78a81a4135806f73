/**
 * `hosting continue` / `hosting abort`: answer the service deployment in flight (steps/rollout/resume.ts),
 * for the service the App spec names for the application and environment (among several: the one paused,
 * else the first in flight).
 */

import type { ResumeStepId } from '../domain/steps.js';
import type { HostingError } from '../errors/errors.js';
import type { RolloutPlan } from '../plan/rollout.js';
import type { Reporter } from '../ports/events.js';
import type { Clock, ContainerService } from '../ports/ports.js';
import { type ResumeAction, type Resumed, resumeDeployment } from '../steps/rollout/resume.js';
import { type StepRecord, StepRunner, unwrap } from './runner.js';

export interface ResumePorts {
  containers: ContainerService;
  clock: Clock;
  reporter: Reporter;
}

export interface ResumePlan {
  application: string;
  environment: string;
  cluster: string;
  service: string;
  /** Every ECS service of the environment; `service` is the first. */
  services: readonly string[];
  action: ResumeAction;
  steps: readonly ResumeStepId[];
}

/** The names a rollout plan resolved (App spec, overrides), for continue or abort. */
export function planResume(rollout: RolloutPlan, action: ResumeAction): ResumePlan {
  const { application, environment, cluster, service } = rollout;
  const services = rollout.services.map((s) => s.service);
  return { application, environment, cluster, service, services, action, steps: [action] };
}

export interface ResumeResult {
  status: 'succeeded' | 'failed';
  error: HostingError | undefined;
  action: ResumeAction;
  application: string;
  environment: string;
  cluster: string;
  service: string;
  serviceDeployment: string | undefined;
  hookId: string | undefined;
  stage: string | undefined;
  /** The ECS call made. */
  call: string | undefined;
  steps: StepRecord[];
}

/** Continue or abort the deployment in flight. Never throws: the result carries the error. */
export async function resume(
  plan: ResumePlan,
  ports: ResumePorts,
  options: { signal?: AbortSignal | undefined } = {},
): Promise<ResumeResult> {
  const { application, environment, cluster, service, action } = plan;
  const result: ResumeResult = {
    status: 'failed',
    error: undefined,
    action,
    application,
    environment,
    cluster,
    service,
    serviceDeployment: undefined,
    hookId: undefined,
    stage: undefined,
    call: undefined,
    steps: [],
  };
  const steps = new StepRunner(ports.clock, ports.reporter, result.steps, options.signal);
  try {
    const done: Resumed = await steps.run(action, (ctx) => resumeDeployment(plan, ports, ctx));
    Object.assign(result, done, { status: 'succeeded' });
  } catch (thrown) {
    result.error = unwrap(thrown);
  }
  return result;
}
