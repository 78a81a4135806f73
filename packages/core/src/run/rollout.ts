/**
 * The rollout: the infra repository's side of a deployment, as a composition of the steps under
 * steps/rollout/ (read, resolve, render, deploy, wait, record), run in the order of `plan.steps`.
 */
import { type HostingError, RolloutFailedError } from '../errors/errors.js';
import type { RolloutPlan } from '../plan/rollout.js';
import type { Reporter, RolloutStepId } from '../ports/events.js';
import type {
  Clock,
  ContainerService,
  ParameterStore,
  Registry,
  RolloutState,
  ServiceEvent,
} from '../ports/ports.js';
import { type Deployed, deployRevision } from '../steps/rollout/deploy.js';
import { readVersion, type VersionRead } from '../steps/rollout/read.js';
import { recordDeployed } from '../steps/rollout/record.js';
import { type Rendered, renderTaskDefinition } from '../steps/rollout/render.js';
import { type ResolvedImage, resolveImage } from '../steps/rollout/resolve.js';
import { waitForDeployment } from '../steps/rollout/wait.js';
import type { StepContext, StepOutcome } from '../steps/step.js';
import { runPlan, type StepRecord, StepRunner, type StepTable } from './runner.js';

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
  | 'rollout-state',
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
    alreadyRunning: false,
    diff: [],
    events: [],
    stoppedReasons: [],
    rolledBackTo: undefined,
    steps: [],
  };
}

/** What the steps produced so far; each step reads what the ones before it left. */
interface State {
  read?: VersionRead;
  resolve?: ResolvedImage;
  render?: Rendered;
  deploy?: Deployed;
}

function need<T>(value: T | undefined, step: RolloutStepId, by: RolloutStepId): T {
  if (value === undefined) throw new Error(`The rollout step "${by}" needs "${step}" to have run first.`);
  return value;
}

type Run = <T>(id: RolloutStepId, step: (ctx: StepContext) => Promise<StepOutcome<T>>) => Promise<T>;

/** One function per step id: run the step module with what the steps before it left, fill in the result. */
function stepTable(
  plan: RolloutPlan,
  ports: RolloutPorts,
  run: Run,
  skip: (id: RolloutStepId, summary: string) => void,
  state: State,
  result: RolloutResult,
): StepTable {
  return {
    read: async () => {
      state.read = await run('read', (ctx) => readVersion(plan, ports, ctx));
      result.version = state.read.value;
      result.parameterVersion = state.read.parameterVersion;
    },
    resolve: async () => {
      const read = need(state.read, 'read', 'resolve');
      const input = { ...plan, version: read.value, parameterVersion: read.parameterVersion };
      state.resolve = await run('resolve', (ctx) => resolveImage(input, ports, ctx));
      result.image = state.resolve.image;
      result.digest = state.resolve.digest;
    },
    render: async () => {
      const { image } = need(state.resolve, 'resolve', 'render');
      const input = { ...plan, image, register: !plan.dryRun };
      const rendered = await run('render', (ctx) => renderTaskDefinition(input, ports, ctx));
      state.render = rendered;
      result.diff = rendered.diff;
      result.alreadyRunning = rendered.alreadyRunning;
      result.previousTaskDefinition = rendered.previous.arn;
      const current = rendered.service.deployments[0];
      result.taskDefinition = rendered.alreadyRunning ? rendered.previous.arn : rendered.next?.arn;
      if (rendered.alreadyRunning) {
        result.deploymentId = current?.id;
        result.rolloutState = current?.rolloutState ?? 'COMPLETED';
      }
    },
    deploy: async () => {
      const rendered = need(state.render, 'render', 'deploy');
      state.deploy = await run('deploy', (ctx) =>
        deployRevision({ ...plan, next: rendered.next }, ports, ctx),
      );
      if (state.deploy.deploymentId) {
        result.deploymentId = state.deploy.deploymentId;
        result.rolloutState = 'IN_PROGRESS';
      }
    },
    'ecs-wait': async () => {
      const rendered = need(state.render, 'render', 'ecs-wait');
      const { deploymentId } = need(state.deploy, 'deploy', 'ecs-wait');
      if (!deploymentId || !rendered.next) {
        skip('ecs-wait', `${plan.service} already runs that image: nothing to wait for`);
        return;
      }
      const input = {
        ...plan,
        deploymentId,
        taskDefinition: rendered.next.arn,
        previousTaskDefinition: rendered.previous.arn,
        knownEvents: rendered.service.events.map((e) => e.id),
      };
      const waited = await run('ecs-wait', (ctx) => waitForDeployment(input, ports, ctx));
      result.events = waited.events;
      result.rolloutState = waited.rolloutState;
    },
    record: async () => {
      const read = need(state.read, 'read', 'record');
      const input = { parameter: plan.parameter, value: read.value, parameterVersion: read.parameterVersion };
      await run('record', (ctx) => recordDeployed(input, ports, ctx));
    },
  };
}

/**
 * Roll the version in SSM out on ECS: exactly `plan.steps`, in order. Never throws: the result says
 * whether it succeeded and carries the error.
 */
export async function rollout(
  plan: RolloutPlan,
  ports: RolloutPorts,
  options: RolloutOptions = {},
): Promise<RolloutResult> {
  const result = newResult(plan);
  const runner = new StepRunner(ports.clock, ports.reporter, result.steps, options.signal);
  const run: Run = (id, step) => runner.run(id, step);
  const steps = stepTable(plan, ports, run, (id, summary) => runner.skip(id, summary), {}, result);
  const error = await runPlan(plan.steps, steps, runner);
  result.error = error;
  if (!error) result.status = 'succeeded';
  if (error instanceof RolloutFailedError) {
    result.rolloutState = 'FAILED';
    result.stoppedReasons = error.stoppedReasons;
    result.rolledBackTo = error.rolledBackTo;
  }
  return result;
}
