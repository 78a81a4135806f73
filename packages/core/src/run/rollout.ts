/**
 * The rollout: the infra repository's side of a deployment, as a composition of the steps under
 * steps/rollout/ (read, resolve, render, update-service, ecs-wait, record), in the order of `plan.steps`.
 */

import type { WaitUntil } from '../domain/names.js';
import { type HostingError, RolloutFailedError } from '../errors/errors.js';
import type { RolloutPlan } from '../plan/rollout.js';
import type { Reporter } from '../ports/events.js';
import type {
  Clock,
  ContainerService,
  ParameterStore,
  Registry,
  RolloutState,
  ServiceEvent,
} from '../ports/ports.js';
import { type Deployed, deployRevision } from '../steps/rollout/deploy.js';
import { readVersion } from '../steps/rollout/read.js';
import { recordDeployed } from '../steps/rollout/record.js';
import { type Rendered, renderTaskDefinition } from '../steps/rollout/render.js';
import { type ResolvedImage, resolveImage } from '../steps/rollout/resolve.js';
import { type RolloutPause, waitForRollout } from '../steps/rollout/wait.js';
import { type StepRecord, StepRunner, unwrap } from './runner.js';

/** The side effects a rollout performs: SSM, ECR (read only) and ECS. */
export interface RolloutPorts {
  registry: Registry;
  parameters: ParameterStore;
  containers: ContainerService;
  clock: Clock;
  reporter: Reporter;
}

export interface RolloutOptions {
  signal?: AbortSignal | undefined;
}

export interface RolloutResult {
  status: 'succeeded' | 'failed';
  dryRun: boolean;
  error: HostingError | undefined;
  application: string;
  environment: string;
  cluster: string;
  service: string;
  container: string;
  parameterName: string;
  version: string | undefined;
  parameterVersion: number | undefined;
  /** `<registry>/<repository>@<digest>`, once resolved. */
  image: string | undefined;
  digest: string | undefined;
  /** The revision rolled out (the running one when already running). */
  taskDefinition: string | undefined;
  previousTaskDefinition: string | undefined;
  deploymentId: string | undefined;
  rolloutState: RolloutState | undefined;
  /** The service deployment followed (its ARN); undefined where the API is unavailable. */
  serviceDeployment: string | undefined;
  /** ROLLING, BLUE_GREEN, LINEAR or CANARY, as the service deployment reports it. */
  strategy: string | undefined;
  /** The stage the rollout waited for and reached: `complete` or `traffic-shifted`. */
  stage: WaitUntil | undefined;
  /** Returned at traffic-shifted during a bake: when the bake ends. */
  bakeUntil: Date | undefined;
  /** Pause hooks announced during the wait, with the commands that answer them. */
  pauses: readonly RolloutPause[];
  /** The service already ran that image: nothing was registered or updated. */
  alreadyRunning: boolean;
  /** The task definition changes (render), one line per setting. */
  diff: readonly string[];
  /** Service events seen during the wait, oldest first. */
  events: readonly ServiceEvent[];
  /** On failure: the stopped tasks' reasons, and the revision the service went back to. */
  stoppedReasons: readonly string[];
  rolledBackTo: string | undefined;
  steps: StepRecord[];
}

/** Outputs of design.md ("The rollout"), as strings (empty when unknown). */
export type RolloutOutputs = Record<
  | 'version'
  | 'parameter-version'
  | 'image'
  | 'digest'
  | 'task-definition'
  | 'previous-task-definition'
  | 'deployment-id'
  | 'rollout-state'
  | 'strategy'
  | 'stage'
  | 'bake-until'
  | 'service-deployment',
  string
>;

export function rolloutOutputs(result: RolloutResult): RolloutOutputs {
  return {
    version: result.version ?? '',
    'parameter-version': result.parameterVersion === undefined ? '' : String(result.parameterVersion),
    image: result.image ?? '',
    digest: result.digest ?? '',
    'task-definition': result.taskDefinition ?? '',
    'previous-task-definition': result.previousTaskDefinition ?? '',
    'deployment-id': result.deploymentId ?? '',
    'rollout-state': result.rolloutState ?? '',
    strategy: result.strategy ?? '',
    stage: result.stage ?? '',
    'bake-until': result.bakeUntil?.toISOString() ?? '',
    'service-deployment': result.serviceDeployment ?? '',
  };
}

function newResult(plan: RolloutPlan): RolloutResult {
  return {
    status: 'failed',
    dryRun: plan.dryRun,
    error: undefined,
    application: plan.application,
    environment: plan.environment,
    cluster: plan.cluster,
    service: plan.service,
    container: plan.container,
    parameterName: plan.parameter,
    version: undefined,
    parameterVersion: undefined,
    image: undefined,
    digest: undefined,
    taskDefinition: undefined,
    previousTaskDefinition: undefined,
    deploymentId: undefined,
    rolloutState: undefined,
    serviceDeployment: undefined,
    strategy: undefined,
    stage: undefined,
    bakeUntil: undefined,
    pauses: [],
    alreadyRunning: false,
    diff: [],
    events: [],
    stoppedReasons: [],
    rolledBackTo: undefined,
    steps: [],
  };
}

/**
 * The rollout's steps, in the order of ROLLOUT_STEPS, each given what the ones before it returned: read,
 * resolve, render (a dry run stops there), update-service, ecs-wait, record.
 */
async function rolloutSteps(
  plan: RolloutPlan,
  ports: RolloutPorts,
  steps: StepRunner,
  result: RolloutResult,
): Promise<void> {
  const read = await steps.run('read', (ctx) => readVersion(plan, ports, ctx));
  result.version = read.value;
  result.parameterVersion = read.parameterVersion;
  const resolveInput = { ...plan, version: read.value, parameterVersion: read.parameterVersion };
  const resolved = await steps.run('resolve', (ctx) => resolveImage(resolveInput, ports, ctx));
  result.image = resolved.image;
  result.digest = resolved.digest;
  const rendered = await renderStep(plan, ports, steps, resolved, result);
  if (plan.dryRun) return;
  const previousServiceDeployment = rendered.service.currentServiceDeployment;
  const updated = await steps.run('update-service', (ctx) =>
    deployRevision({ ...plan, next: rendered.next, previousServiceDeployment }, ports, ctx),
  );
  result.serviceDeployment = updated.serviceDeployment;
  if (updated.deploymentId) {
    result.deploymentId = updated.deploymentId;
    result.rolloutState = 'IN_PROGRESS';
  }
  await waitStep(plan, ports, steps, { rendered, updated }, result);
  const recordInput = {
    parameter: plan.parameter,
    value: read.value,
    parameterVersion: read.parameterVersion,
    stage: result.stage ?? 'complete',
  };
  await steps.run('record', (ctx) => recordDeployed(recordInput, ports, ctx));
}

async function renderStep(
  plan: RolloutPlan,
  ports: RolloutPorts,
  steps: StepRunner,
  resolved: ResolvedImage,
  result: RolloutResult,
): Promise<Rendered> {
  const input = { ...plan, image: resolved.image, register: !plan.dryRun };
  const rendered = await steps.run('render', (ctx) => renderTaskDefinition(input, ports, ctx));
  result.diff = rendered.diff;
  result.alreadyRunning = rendered.alreadyRunning;
  result.previousTaskDefinition = rendered.previous.arn;
  const current = rendered.service.deployments[0];
  result.taskDefinition = rendered.alreadyRunning ? rendered.previous.arn : rendered.next?.arn;
  result.strategy = rendered.service.strategy ?? 'ROLLING';
  if (rendered.alreadyRunning) {
    result.deploymentId = current?.id;
    result.rolloutState = current?.rolloutState ?? 'COMPLETED';
    result.stage = 'complete';
  }
  return rendered;
}

async function waitStep(
  plan: RolloutPlan,
  ports: RolloutPorts,
  steps: StepRunner,
  update: { rendered: Rendered; updated: Deployed },
  result: RolloutResult,
): Promise<void> {
  const { rendered, updated } = update;
  const { deploymentId } = updated;
  if (!deploymentId || !rendered.next) {
    steps.skip('ecs-wait', `${plan.service} already runs that image: nothing to wait for`);
    return;
  }
  const input = {
    ...plan,
    deploymentId,
    taskDefinition: rendered.next.arn,
    previousTaskDefinition: rendered.previous.arn,
    knownEvents: rendered.service.events.map((e) => e.id),
    serviceDeployment: updated.serviceDeployment,
    previousServiceDeployment: rendered.service.currentServiceDeployment,
    updatedAt: updated.updatedAt,
  };
  const pauses: RolloutPause[] = [];
  result.pauses = pauses;
  const waited = await steps.run('ecs-wait', (ctx) => waitForRollout(input, ports, ctx, pauses));
  result.events = waited.events;
  result.rolloutState = waited.rolloutState;
  result.serviceDeployment = waited.serviceDeployment ?? result.serviceDeployment;
  result.strategy = waited.strategy ?? result.strategy;
  result.stage = waited.stage;
  result.bakeUntil = waited.bakeUntil;
}

/**
 * Roll the version in SSM out on ECS, step by step in the order of `plan.steps`. Never throws: the
 * result says whether it succeeded and carries the error.
 */
export async function rollout(
  plan: RolloutPlan,
  ports: RolloutPorts,
  options: RolloutOptions = {},
): Promise<RolloutResult> {
  const result = newResult(plan);
  const steps = new StepRunner(ports.clock, ports.reporter, result.steps, options.signal);
  try {
    await rolloutSteps(plan, ports, steps, result);
    result.status = 'succeeded';
  } catch (thrown) {
    const error = unwrap(thrown);
    result.error = error;
    if (error instanceof RolloutFailedError) {
      result.rolloutState = 'FAILED';
      result.stoppedReasons = error.stoppedReasons;
      result.rolledBackTo = error.rolledBackTo;
    }
  }
  return result;
}
