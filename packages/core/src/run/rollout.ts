/**
 * The rollout: the infra repository's side of a deployment, as a composition of the steps under
 * steps/rollout/ (read, resolve, render, update-service, ecs-wait, record), in the order of `plan.steps`.
 */

import type { WaitUntil } from '../domain/names.js';
import { type HostingError, RolloutFailedError, restate } from '../errors/errors.js';
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
import { type DeployedService, deployServices } from '../steps/rollout/deploy.js';
import { readVersion } from '../steps/rollout/read.js';
import { recordDeployed } from '../steps/rollout/record.js';
import { type ReleaseRecord, runRelease } from '../steps/rollout/release.js';
import { type Rendered, renderServices } from '../steps/rollout/render.js';
import { type ResolvedImage, resolveImage } from '../steps/rollout/resolve.js';
import { type RolledBack, rollBackServices } from '../steps/rollout/roll-back.js';
import { shortTaskDefinition } from '../steps/rollout/task-definition.js';
import type { RolloutPause } from '../steps/rollout/wait.js';
import { waitForServices } from '../steps/rollout/wait-services.js';
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

/** One service of the rollout: where it was, where it went, how its deployment ended. */
export interface ServiceRolloutResult {
  /** Its name in the plan (the entry of `services`; the ECS service's name for a single service). */
  name: string;
  service: string;
  container: string;
  /** The revision rolled out (the running one when it already ran the image). */
  taskDefinition: string | undefined;
  previousTaskDefinition: string | undefined;
  deploymentId: string | undefined;
  rolloutState: RolloutState | undefined;
  serviceDeployment: string | undefined;
  strategy: string | undefined;
  alreadyRunning: boolean;
  /** After a failed multi-service rollout: whether it is back on its previous revision (undefined: not changed). */
  restored: boolean | undefined;
  /** What the roll-back did for it and where it ended. */
  restoreDetail: string | undefined;
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
  /** Every service, in the plan's order; `firstService` gives the first one's as the outputs show them. */
  services: ServiceRolloutResult[];
  /** The release task, when one ran (or tried to). */
  release: ReleaseRecord | undefined;
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
  | 'service-deployment'
  | 'services'
  | 'release',
  string
>;

/** One service of the result as `--json` and the `services` output show it. */
export function serviceJson(s: ServiceRolloutResult) {
  return {
    name: s.name,
    service: s.service,
    container: s.container,
    'task-definition': s.taskDefinition ?? '',
    'previous-task-definition': s.previousTaskDefinition ?? '',
    'deployment-id': s.deploymentId ?? '',
    'rollout-state': s.rolloutState ?? '',
    strategy: s.strategy ?? '',
    'already-running': s.alreadyRunning,
    restored: s.restored ?? null,
    'restore-detail': s.restoreDetail ?? null,
  };
}

/** The first service's fields that the outputs show at the top (design.md: "for the first service"). */
export type FirstService = Pick<
  ServiceRolloutResult,
  | 'taskDefinition'
  | 'previousTaskDefinition'
  | 'deploymentId'
  | 'rolloutState'
  | 'serviceDeployment'
  | 'strategy'
>;

/**
 * The first service's revision, deployment, state and strategy, as `--json`, the Action's outputs and the
 * adapters' lines show them at the top; a rollout that failed (RolloutFailedError) is FAILED there.
 */
export function firstService(result: RolloutResult): FirstService {
  const first = result.services[0];
  return {
    taskDefinition: first?.taskDefinition,
    previousTaskDefinition: first?.previousTaskDefinition,
    deploymentId: first?.deploymentId,
    rolloutState: result.error instanceof RolloutFailedError ? 'FAILED' : first?.rolloutState,
    serviceDeployment: first?.serviceDeployment,
    strategy: first?.strategy,
  };
}

export function rolloutOutputs(result: RolloutResult): RolloutOutputs {
  const first = firstService(result);
  return {
    version: result.version ?? '',
    'parameter-version': result.parameterVersion === undefined ? '' : String(result.parameterVersion),
    image: result.image ?? '',
    digest: result.digest ?? '',
    'task-definition': first.taskDefinition ?? '',
    'previous-task-definition': first.previousTaskDefinition ?? '',
    'deployment-id': first.deploymentId ?? '',
    'rollout-state': first.rolloutState ?? '',
    strategy: first.strategy ?? '',
    stage: result.stage ?? '',
    'bake-until': result.bakeUntil?.toISOString() ?? '',
    'service-deployment': first.serviceDeployment ?? '',
    services: JSON.stringify(result.services.map(serviceJson)),
    release: result.release ? JSON.stringify(releaseJson(result.release)) : '',
  };
}

/**
 * What the rollout did per service, and its release task, as [label, text] pairs for the adapters' result
 * (the CLI's lines, the Action's summary): empty for a single service without a release task, whose
 * fields the adapters show already.
 */
export function describeRolloutServices(result: RolloutResult): [string, string][] {
  if (result.services.length < 2 && !result.release) return [];
  const short = (arn: string | undefined) => (arn ? shortTaskDefinition(arn) : '?');
  const rows: [string, string][] = result.services.map((s) => {
    const label = s.name === s.service ? s.service : `${s.name} (${s.service})`;
    if (s.restored !== undefined)
      return [label, `${s.restored ? 'restored' : 'NOT restored'}: ${s.restoreDetail ?? ''}`];
    if (s.alreadyRunning) return [label, `${short(s.taskDefinition)}, already running that image`];
    if (s.rolloutState === undefined)
      return [
        label,
        `not updated: still on ${short(s.previousTaskDefinition)} (${short(s.taskDefinition)} registered)`,
      ];
    const was = s.previousTaskDefinition ? ` (was ${short(s.previousTaskDefinition)})` : '';
    return [
      label,
      `${short(s.taskDefinition)}${was}, ${[s.strategy, s.rolloutState].filter(Boolean).join(', ')}`,
    ];
  });
  const r = result.release;
  if (r) {
    const ended =
      r.exitCode !== undefined
        ? `exited ${r.exitCode}`
        : r.taskArn
          ? `stopped without an exit code (${r.stoppedReason ?? 'no reason'})`
          : `did not start (${r.stoppedReason ?? 'no reason'})`;
    const task = r.taskArn ? `, task ${r.taskArn.split('/').at(-1) ?? r.taskArn}` : '';
    rows.push(['release task', `${ended}${task}${r.logs ? `; logs: ${r.logs}` : ''}`]);
  }
  return rows;
}

/** The release task as `--json` and the `release` output show it. */
export function releaseJson(r: ReleaseRecord) {
  return {
    'task-arn': r.taskArn ?? null,
    'exit-code': r.exitCode ?? null,
    'stopped-reason': r.stoppedReason ?? null,
    logs: r.logs ?? null,
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
    stage: undefined,
    bakeUntil: undefined,
    pauses: [],
    alreadyRunning: false,
    diff: [],
    events: [],
    stoppedReasons: [],
    rolledBackTo: undefined,
    services: plan.services.map((s) => ({
      ...s,
      taskDefinition: undefined,
      previousTaskDefinition: undefined,
      deploymentId: undefined,
      rolloutState: undefined,
      serviceDeployment: undefined,
      strategy: undefined,
      alreadyRunning: false,
      restored: undefined,
      restoreDetail: undefined,
    })),
    release: undefined,
    steps: [],
  };
}

/**
 * The rollout's steps, in the order of ROLLOUT_STEPS, each given what the ones before it returned: read,
 * resolve, render (a dry run stops there), update-service, ecs-wait (with several services, a failure
 * rolls back every service changed: roll-back), record.
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
  await releaseStep(plan, ports, steps, rendered, result);
  const updated: DeployedService[] = [];
  try {
    await updateStep(plan, ports, steps, { rendered, updated }, result);
    await waitStep(plan, ports, steps, { rendered, updated }, result);
  } catch (thrown) {
    if (!plan.steps.includes('roll-back') || updated.length === 0) throw thrown;
    throw await rollBackStep(plan, ports, steps, { rendered, updated, thrown }, result);
  }
  const recordInput = {
    parameter: plan.parameter,
    value: read.value,
    parameterVersion: read.parameterVersion,
    stage: result.stage ?? 'complete',
  };
  await steps.run('record', (ctx) => recordDeployed(recordInput, ports, ctx));
}

/** The result's entry of a service, by its name in the plan. */
function serviceResult(result: RolloutResult, name: string): ServiceRolloutResult | undefined {
  return result.services.find((s) => s.name === name);
}

async function renderStep(
  plan: RolloutPlan,
  ports: RolloutPorts,
  steps: StepRunner,
  resolved: ResolvedImage,
  result: RolloutResult,
): Promise<Rendered[]> {
  const input = { ...plan, image: resolved.image, register: !plan.dryRun };
  const rendered = await steps.run('render', (ctx) => renderServices(input, ports, ctx));
  const several = rendered.length > 1;
  result.diff = rendered.flatMap((r) => (several ? r.diff.map((d) => `${r.name}: ${d}`) : r.diff));
  result.alreadyRunning = rendered.every((r) => r.alreadyRunning);
  for (const r of rendered) {
    const entry = serviceResult(result, r.name);
    if (!entry) continue;
    const current = r.service.deployments[0];
    entry.previousTaskDefinition = r.previous.arn;
    entry.taskDefinition = r.alreadyRunning ? r.previous.arn : r.next?.arn;
    entry.strategy = r.service.strategy ?? 'ROLLING';
    entry.alreadyRunning = r.alreadyRunning;
    if (r.alreadyRunning) {
      entry.deploymentId = current?.id;
      entry.rolloutState = current?.rolloutState ?? 'COMPLETED';
    }
  }
  if (result.alreadyRunning) result.stage = 'complete';
  return rendered;
}

/** The release task, when the environment has one and some service does not run the image yet. */
async function releaseStep(
  plan: RolloutPlan,
  ports: RolloutPorts,
  steps: StepRunner,
  rendered: readonly Rendered[],
  result: RolloutResult,
): Promise<void> {
  const release = plan.release;
  const target = rendered.find((r) => r.name === release?.service);
  const planned = plan.services.find((s) => s.name === release?.service);
  if (!release || !target || !planned || rendered.every((r) => r.alreadyRunning)) return;
  const record: ReleaseRecord = {
    taskArn: undefined,
    exitCode: undefined,
    stoppedReason: undefined,
    logs: undefined,
  };
  result.release = record;
  const input = {
    ...release,
    cluster: plan.cluster,
    name: release.service,
    service: target.service,
    taskDefinition: target.next ?? target.previous,
    container: planned.container,
    pollIntervalMs: plan.pollIntervalMs,
  };
  await steps.run('release', (ctx) => runRelease(input, ports, ctx, record));
}

interface Progress {
  rendered: readonly Rendered[];
  /** The services UpdateService changed so far. */
  updated: DeployedService[];
}

async function updateStep(
  plan: RolloutPlan,
  ports: RolloutPorts,
  steps: StepRunner,
  { rendered, updated }: Progress,
  result: RolloutResult,
): Promise<void> {
  const updates = rendered.flatMap((r) =>
    r.next
      ? [
          {
            name: r.name,
            cluster: plan.cluster,
            service: r.service.name,
            next: r.next,
            previousServiceDeployment: r.service.currentServiceDeployment,
          },
        ]
      : [],
  );
  if (updates.length === 0) {
    const names = rendered.map((r) => r.service.name);
    steps.skip(
      'update-service',
      `${names.join(', ')} already run${names.length === 1 ? 's' : ''} that image: not updated`,
    );
    return;
  }
  const deployed = await steps.run('update-service', (ctx) => deployServices(updates, ports, ctx, updated));
  for (const d of deployed) {
    const entry = serviceResult(result, d.name);
    if (!entry) continue;
    entry.serviceDeployment = d.serviceDeployment;
    if (d.deploymentId) {
      entry.deploymentId = d.deploymentId;
      entry.rolloutState = 'IN_PROGRESS';
    }
  }
}

async function waitStep(
  plan: RolloutPlan,
  ports: RolloutPorts,
  steps: StepRunner,
  { rendered, updated }: Progress,
  result: RolloutResult,
): Promise<void> {
  const inputs = updated.flatMap((u) => {
    const r = rendered.find((x) => x.name === u.name);
    if (!u.deploymentId || !r?.next) return [];
    return [
      {
        ...plan,
        name: u.name,
        service: r.service.name,
        deploymentId: u.deploymentId,
        taskDefinition: r.next.arn,
        previousTaskDefinition: r.previous.arn,
        knownEvents: r.service.events.map((e) => e.id),
        serviceDeployment: u.serviceDeployment,
        previousServiceDeployment: r.service.currentServiceDeployment,
        updatedAt: u.updatedAt,
      },
    ];
  });
  if (inputs.length === 0) {
    steps.skip('ecs-wait', `${plan.service} already runs that image: nothing to wait for`);
    return;
  }
  const pauses: RolloutPause[] = [];
  result.pauses = pauses;
  const waited = await steps.run('ecs-wait', (ctx) => waitForServices(inputs, ports, ctx, pauses));
  for (const w of waited) {
    const entry = serviceResult(result, w.name);
    if (!entry) continue;
    entry.rolloutState = w.rolloutState;
    entry.serviceDeployment = w.serviceDeployment ?? entry.serviceDeployment;
    entry.strategy = w.strategy ?? entry.strategy;
  }
  result.events = waited.flatMap((w) => w.events);
  result.stage = waited.some((w) => w.stage === 'traffic-shifted') ? 'traffic-shifted' : 'complete';
  const bakes = waited.flatMap((w) => (w.bakeUntil ? [w.bakeUntil.getTime()] : []));
  result.bakeUntil = bakes.length > 0 ? new Date(Math.max(...bakes)) : undefined;
}

/**
 * All or nothing: after a failure with several services, every service UpdateService changed goes back to
 * its previous revision, waited for (even after an interruption: the runner is shielded). Returns the error
 * to fail with: the original one, saying which service failed and what was restored or could not be.
 */
async function rollBackStep(
  plan: RolloutPlan,
  ports: RolloutPorts,
  steps: StepRunner,
  progress: Progress & { thrown: unknown },
  result: RolloutResult,
): Promise<HostingError> {
  const error = unwrap(progress.thrown);
  const targets = progress.updated.flatMap((u) => {
    const r = progress.rendered.find((x) => x.name === u.name);
    return r?.next
      ? [
          {
            name: u.name,
            service: r.service.name,
            taskDefinition: r.next.arn,
            previousTaskDefinition: r.previous.arn,
          },
        ]
      : [];
  });
  const input = { ...plan, targets };
  const rolledBack = await steps
    .shielded()
    .run('roll-back', (ctx) => rollBackServices(input, ports, ctx))
    .catch(() => [] as RolledBack[]);
  for (const r of rolledBack) {
    const entry = serviceResult(result, r.name);
    if (!entry) continue;
    entry.restored = r.restored;
    entry.restoreDetail = r.detail;
    entry.rolloutState = 'FAILED';
  }
  return restateFailure(plan, error, rolledBack, targets.length);
}

/** The failure, then what the roll-back restored and what it could not. */
function restateFailure(
  plan: RolloutPlan,
  error: HostingError,
  rolledBack: readonly RolledBack[],
  changed: number,
): HostingError {
  const label = (r: RolledBack) => `${r.name} (${r.service})`;
  const restored = rolledBack.filter((r) => r.restored);
  const missing = rolledBack.filter((r) => !r.restored);
  const lines = [
    error.message,
    `All or nothing: the rollout had changed ${changed} of its ${plan.services.length} services; the deployed label was not moved.`,
    ...restored.map((r) => `Restored ${label(r)}: ${r.detail}.`),
    ...missing.map((r) => `NOT restored ${label(r)}: ${r.detail}.`),
  ];
  if (rolledBack.length < changed) lines.push('The roll-back itself failed: look at every service now.');
  const fix =
    missing.length > 0 || rolledBack.length < changed
      ? `Look at ${missing.map((r) => r.service).join(', ') || 'the services'} in the ECS console and put ${missing.length === 1 ? 'it' : 'them'} back on the previous revision (UpdateService), then fix the cause and roll out again.`
      : error.fix;
  return restate(error, lines.join('\n'), fix);
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
      result.stoppedReasons = error.stoppedReasons;
      result.rolledBackTo = error.rolledBackTo;
    }
  }
  return result;
}
