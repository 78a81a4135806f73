import { type Phase, phasesOf } from './ecs-phases.js';
import {
  type EcsDeployment,
  type EcsServiceRecord,
  type EcsTaskRecord,
  failureThreshold,
  type HookRun,
  newDeploymentId,
  newEvent,
  newResourceId,
  type ServiceDeploymentRecord,
  type ServiceRevisionRecord,
} from './ecs-records.js';
import { isSteady, startDeployment, stopTasks } from './ecs-scheduler.js';

/** What a service deployment needs from the ECS state around it. */
export interface DeploymentClock {
  /** Real milliseconds that `minutes` of ECS time take on the compressed clock. */
  scaled(minutes: number): number;
  /** A CloudWatch alarm's state (`OK` unless a test set it). */
  alarmState(name: string): string;
}

export const TERMINAL = new Set(['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED']);

const arnBase = (service: EcsServiceRecord, kind: string) => service.arn.replace(':service/', `:${kind}/`);

/** A new revision of the service for the deployment `deployment` (the deployments[] entry). */
function newRevision(service: EcsServiceRecord, deployment: EcsDeployment): ServiceRevisionRecord {
  const revision = {
    arn: `${arnBase(service, 'service-revision')}/${newDeploymentId().slice('ecs-svc/'.length)}`,
    taskDefinition: deployment.taskDefinition,
    deploymentId: deployment.id,
    createdAt: new Date(),
  };
  service.revisions.push(revision);
  return revision;
}

/**
 * Open the service deployment of a deployment UpdateService just started: its target is the new revision,
 * its sources the revisions still running. A deployment still in flight is superseded (STOPPED).
 */
export function beginServiceDeployment(
  service: EcsServiceRecord,
  deployment: EcsDeployment,
): ServiceDeploymentRecord {
  const now = new Date();
  const target = newRevision(service, deployment);
  for (const open of service.serviceDeployments.filter((d) => !TERMINAL.has(d.status))) {
    finish(open, 'STOPPED', `Superseded by a newer service deployment.`);
    release(service, open);
  }
  const live = new Set(service.deployments.filter((d) => d !== deployment).map((d) => d.id));
  const sources = service.revisions.filter((r) => live.has(r.deploymentId));
  const configuration = structuredClone(service.deploymentConfiguration);
  const strategy = configuration.strategy ?? 'ROLLING';
  if (strategy !== 'ROLLING') deployment.held = true;
  const record: ServiceDeploymentRecord = {
    arn: `${arnBase(service, 'service-deployment')}/${newResourceId()}`,
    service: service.name,
    cluster: service.cluster,
    strategy,
    createdAt: now,
    updatedAt: now,
    status: 'PENDING',
    lifecycleStage: 'RECONCILE_SERVICE',
    stages: [],
    target,
    sources,
    configuration,
    circuitBreaker: {
      status: configuration.deploymentCircuitBreaker?.enable ? 'MONITORING' : 'DISABLED',
      failureCount: 0,
      threshold: failureThreshold(deployment.desiredCount),
    },
    alarms: {
      status: configuration.alarms?.enable ? 'MONITORING' : 'DISABLED',
      alarmNames: configuration.alarms?.alarmNames ?? [],
      triggeredAlarmNames: [],
    },
    hooks: [],
    weight: { production: 0, test: 0 },
    weights: [],
    phase: -1,
  };
  service.serviceDeployments.unshift(record);
  return record;
}

function finish(record: ServiceDeploymentRecord, status: ServiceDeploymentRecord['status'], reason?: string) {
  const now = new Date();
  record.status = status;
  if (reason) record.statusReason = reason;
  record.updatedAt = now;
  record.finishedAt = now;
  if (status === 'STOPPED') record.stoppedAt = now;
  const done = (s: ServiceDeploymentRecord['alarms']['status']) =>
    s === 'MONITORING' ? 'MONITORING_COMPLETE' : s;
  record.circuitBreaker.status = done(record.circuitBreaker.status);
  record.alarms.status = done(record.alarms.status);
}

/** The deployment no longer holds its deployments[] entry: the scheduler drains or keeps it as it would. */
function release(service: EcsServiceRecord, record: ServiceDeploymentRecord): void {
  const deployment = service.deployments.find((d) => d.id === record.target.deploymentId);
  if (deployment) deployment.held = false;
}

/** One service's tick: its record, its tasks, the clock. */
export interface Tick {
  service: EcsServiceRecord;
  tasks: EcsTaskRecord[];
  clock: DeploymentClock;
}

/** One tick of every open service deployment of the service. */
export function advanceServiceDeployments(tick: Tick): void {
  for (const record of tick.service.serviceDeployments.filter((d) => !TERMINAL.has(d.status))) {
    advance(tick, record);
  }
}

function advance(tick: Tick, record: ServiceDeploymentRecord): void {
  const { service } = tick;
  switch (record.status) {
    case 'PENDING':
      record.status = 'IN_PROGRESS';
      record.startedAt = new Date();
      record.updatedAt = record.startedAt;
      enterPhase(tick, record, 0);
      return;
    case 'IN_PROGRESS':
      if (failed(tick, record)) return;
      runPhase(tick, record);
      return;
    case 'ROLLBACK_REQUESTED':
      rollBack(tick, record, record.statusReason ?? 'Rollback requested.');
      return;
    case 'ROLLBACK_IN_PROGRESS':
      followRollback(service, record);
      return;
    case 'STOP_REQUESTED':
      abort(service, record);
      return;
    default:
      return;
  }
}

function targetOf(service: EcsServiceRecord, record: ServiceDeploymentRecord): EcsDeployment | undefined {
  return service.deployments.find((d) => d.id === record.target.deploymentId);
}

/** Circuit breaker and alarms: true when they ended or rolled back the deployment this tick. */
function failed(tick: Tick, record: ServiceDeploymentRecord): boolean {
  const { service, clock } = tick;
  const target = targetOf(service, record);
  const breaker = record.configuration.deploymentCircuitBreaker;
  if (target) record.circuitBreaker.failureCount = target.failedTasks;
  if (target?.rolloutState === 'FAILED' && breaker?.enable) {
    record.circuitBreaker.status = 'TRIGGERED';
    const reason = `${target.rolloutStateReason} (${target.failedTasks} failed tasks, threshold ${record.circuitBreaker.threshold})`;
    if (breaker.rollback) rollBack(tick, record, reason);
    else finish(record, 'STOPPED', reason);
    return true;
  }
  const alarms = record.configuration.alarms;
  if (!alarms?.enable) return false;
  const triggered = alarms.alarmNames.filter((name) => clock.alarmState(name) === 'ALARM');
  if (triggered.length === 0) return false;
  record.alarms.status = 'TRIGGERED';
  record.alarms.triggeredAlarmNames = triggered;
  const reason = `ECS deployment alarms: ${triggered.join(', ')} in ALARM state.`;
  if (alarms.rollback) rollBack(tick, record, reason);
  else {
    finish(record, 'STOPPED', reason);
    release(service, record);
  }
  return true;
}

function enterPhase(tick: Tick, record: ServiceDeploymentRecord, index: number): void {
  const phase = phasesOf(record.configuration)[index];
  if (!phase) {
    finish(record, 'SUCCESSFUL', 'Service deployment completed.');
    return;
  }
  record.phase = index;
  if (record.lifecycleStage !== phase.stage || record.stages.length === 0 || phase.production !== undefined)
    record.stages.push({ at: new Date(), stage: phase.stage });
  record.lifecycleStage = phase.stage;
  record.updatedAt = new Date();
  record.waitUntil = undefined;
  if (phase.production !== undefined || phase.test !== undefined) {
    record.weight = {
      production: phase.production ?? record.weight.production,
      test: phase.test ?? record.weight.test,
    };
    record.weights.push({ at: new Date(), stage: phase.stage, ...record.weight });
  }
  if (phase.cleanUp) release(tick.service, record);
  startHooks(record, phase, index, tick.clock);
}

function startHooks(record: ServiceDeploymentRecord, phase: Phase, index: number, clock: DeploymentClock) {
  if (!phase.hook) return;
  const stage = phase.hook;
  for (const hook of record.configuration.lifecycleHooks ?? []) {
    if (!hook.lifecycleStages?.includes(stage)) continue;
    const timeout = hook.timeoutConfiguration;
    const now = new Date();
    record.hooks.push({
      hookId: newResourceId(),
      hook,
      stage,
      phase: index,
      status: hook.targetType === 'PAUSE' ? 'AWAITING_ACTION' : 'IN_PROGRESS',
      startedAt: now,
      expiresAt: new Date(now.getTime() + clock.scaled(timeout?.timeoutInMinutes ?? 1440)),
      timeoutAction: timeout?.action ?? 'ROLLBACK',
    });
  }
}

function runPhase(tick: Tick, record: ServiceDeploymentRecord): void {
  const { tasks, clock } = tick;
  const phase = phasesOf(record.configuration)[record.phase];
  const target = targetOf(tick.service, record);
  if (!phase || !target) return;
  if (phase.scaleUp) {
    const steady = tasks.filter((t) => t.deploymentId === target.id && isSteady(t)).length;
    if (steady < target.desiredCount) return;
  }
  if (!hooksDone(tick, record)) return;
  if (phase.waitMinutes) {
    record.waitUntil ??= new Date(Date.now() + clock.scaled(phase.waitMinutes));
    if (Date.now() < record.waitUntil.getTime()) return;
  }
  if (phase.cleanUp && target.rolloutState !== 'COMPLETED') return;
  enterPhase(tick, record, record.phase + 1);
}

/** Move this phase's hooks along; true when all succeeded. A failed hook rolls the deployment back. */
function hooksDone(tick: Tick, record: ServiceDeploymentRecord): boolean {
  let done = true;
  for (const run of record.hooks.filter((h) => h.phase === record.phase)) {
    settleHook(record, run);
    if (run.status === 'SUCCEEDED') continue;
    if (run.status === 'FAILED' || (run.status === 'TIMED_OUT' && run.timeoutAction === 'ROLLBACK')) {
      const why =
        run.decided === 'ROLLBACK'
          ? `Rollback requested at the ${run.hook.targetType ?? 'AWS_LAMBDA'} hook ${run.hookId} (${run.stage}).`
          : `Lifecycle hook ${run.hookId} (${run.hook.targetType ?? 'AWS_LAMBDA'}) ${run.status === 'FAILED' ? 'failed' : 'timed out'} in ${run.stage}.`;
      rollBack(tick, record, why);
      return false;
    }
    if (run.status !== 'TIMED_OUT') done = false;
  }
  return done;
}

function settleHook(record: ServiceDeploymentRecord, run: HookRun): void {
  if (run.status !== 'AWAITING_ACTION' && run.status !== 'IN_PROGRESS') return;
  const before = run.status;
  const verdict = (run.hook.hookDetails as { testkitResult?: string } | undefined)?.testkitResult;
  if (Date.now() >= run.expiresAt.getTime()) run.status = 'TIMED_OUT';
  else if (run.hook.targetType === 'PAUSE') return;
  else if (verdict === 'FAILED') run.status = 'FAILED';
  else if (verdict !== 'TIMEOUT') run.status = 'SUCCEEDED';
  if (run.status !== before) record.updatedAt = new Date();
}

/**
 * Roll back to the first source revision. Blue/green, linear and canary: production traffic goes back to
 * the source, whose tasks still run, and the target's tasks stop. Rolling: the scheduler's circuit breaker
 * may have started the rollback deployment already; otherwise one starts here.
 */
function rollBack(tick: Tick, record: ServiceDeploymentRecord, reason: string): void {
  const { service } = tick;
  const source = record.sources[0];
  const target = targetOf(service, record);
  const now = new Date();
  record.status = 'ROLLBACK_IN_PROGRESS';
  record.statusReason = reason;
  record.updatedAt = now;
  if (!source) {
    finish(record, 'ROLLBACK_FAILED', `${reason} No previous service revision to roll back to.`);
    return;
  }
  record.rollback = { reason, startedAt: now, serviceRevisionArn: source.arn };
  if (record.weight.production !== 0 || record.weight.test !== 0) {
    record.weight = { production: 0, test: 0 };
    record.weights.push({ at: now, stage: record.lifecycleStage, ...record.weight });
  }
  const restored = restoreSource(tick, record, source, target);
  record.rollbackDeploymentId = restored.id;
  service.events.unshift(
    newEvent(`(service ${service.name}) (service deployment ${record.arn}) rolling back: ${reason}`),
  );
}

function restoreSource(
  { service, tasks }: Tick,
  record: ServiceDeploymentRecord,
  source: ServiceRevisionRecord,
  target: EcsDeployment | undefined,
): EcsDeployment {
  if (target) {
    target.held = false;
    if (target.rolloutState === 'IN_PROGRESS') {
      target.rolloutState = 'FAILED';
      target.rolloutStateReason = record.statusReason ?? 'Rolled back.';
    }
  }
  const started = service.deployments[0];
  if (
    record.strategy === 'ROLLING' &&
    started &&
    started !== target &&
    started.taskDefinition === source.taskDefinition
  )
    return started; // the scheduler's circuit breaker rolled back already
  const previous = service.deployments.find((d) => d.id === source.deploymentId);
  if (target) stopTasks(service, target, tasks);
  if (target) target.desiredCount = 0;
  if (!previous)
    return startDeployment(service, source.taskDefinition, `ECS deployment rolling back to ${source.arn}.`);
  for (const d of service.deployments) d.status = 'ACTIVE';
  previous.status = 'PRIMARY';
  previous.held = false;
  previous.rolloutState = 'IN_PROGRESS';
  previous.rolloutStateReason = `ECS deployment rolling back to ${source.arn}.`;
  previous.desiredCount = service.desiredCount;
  service.deployments = [previous, ...service.deployments.filter((d) => d !== previous)];
  service.taskDefinition = previous.taskDefinition;
  return previous;
}

function followRollback(service: EcsServiceRecord, record: ServiceDeploymentRecord): void {
  const restored = service.deployments.find((d) => d.id === record.rollbackDeploymentId);
  if (!restored) return;
  if (restored.rolloutState === 'COMPLETED') finish(record, 'ROLLBACK_SUCCESSFUL');
  else if (restored.rolloutState === 'FAILED')
    finish(
      record,
      'ROLLBACK_FAILED',
      `${record.statusReason} The rollback failed: ${restored.rolloutStateReason}`,
    );
}

/** StopServiceDeployment ABORT: the deployment stops where it is; nothing is rolled back. */
function abort(service: EcsServiceRecord, record: ServiceDeploymentRecord): void {
  const target = targetOf(service, record);
  if (target && target.rolloutState === 'IN_PROGRESS') {
    target.rolloutState = 'FAILED';
    target.rolloutStateReason = 'Service deployment stopped.';
  }
  release(service, record);
  finish(record, 'STOPPED', record.statusReason ?? 'Service deployment stopped.');
}
