/**
 * ecs-wait: follow the service deployment UpdateService started to its true end, whatever the strategy
 * (rolling, blue/green, linear, canary): SUCCESSFUL, or with `--wait-until traffic-shifted` production
 * traffic on the new revision and the bake begun; ROLLBACK_* and STOPPED fail naming the cause. A pause
 * hook is announced with the command that resumes it, and waited through. Where the service deployments
 * API is unavailable, the `deployments[]` wait (wait-deployments.ts) takes over.
 */

import type { WaitUntil } from '../../domain/names.js';
import { InterruptedError, RemoteError, RolloutFailedError, TimeoutError } from '../../errors/errors.js';
import { formatDuration } from '../../inputs/inputs.js';
import type {
  ContainerService,
  RolloutState,
  ServiceDeploymentDetail,
  ServiceEvent,
  ServiceInfo,
} from '../../ports/ports.js';
import type { StepContext } from '../step.js';
import { done, type StepOutcome } from '../step.js';
import { PollSchedule } from './polling.js';
import {
  awaitingHooks,
  failureCauses,
  isFailed,
  isSucceeded,
  isTrafficShifted,
  taskCounts,
  trafficSplit,
} from './service-deployment.js';
import { shortTaskDefinition } from './task-definition.js';
import { type DeploymentsWaitInput, stoppedTaskReasons, waitForDeployment } from './wait-deployments.js';

export interface WaitInput extends DeploymentsWaitInput {
  application: string;
  environment: string;
  waitUntil: WaitUntil;
  /** The service deployment UpdateService started, when ECS named it (`currentServiceDeployment`). */
  serviceDeployment: string | undefined;
  /** The service deployment before the update: never mistaken for ours. */
  previousServiceDeployment: string | undefined;
  /** When UpdateService was sent (epoch ms): ListServiceDeployments looks from shortly before. */
  updatedAt: number;
}

/** A pause hook the rollout announced. */
export interface RolloutPause {
  hookId: string;
  stage: string | undefined;
  expiresAt: Date | undefined;
  timeoutAction: string | undefined;
  /** The commands that resume or roll back the paused deployment. */
  resume: string;
  abort: string;
}

export interface Waited {
  rolloutState: RolloutState | undefined;
  /** The service events that appeared during the wait, oldest first. */
  events: readonly ServiceEvent[];
  /** The service deployment followed; undefined on the `deployments[]` fallback. */
  serviceDeployment: string | undefined;
  strategy: string | undefined;
  /** The stage the wait ended at: `complete` or `traffic-shifted`. */
  stage: WaitUntil;
  /** The lifecycle stage ECS reported last. */
  lifecycleStage: string | undefined;
  /** When returning at traffic-shifted during a bake: when the bake ends. */
  bakeUntil: Date | undefined;
  pauses: readonly RolloutPause[];
}

/** How long to look for the service deployment UpdateService started before giving up (eventual consistency). */
const FIND_ATTEMPTS = 6;
const FIND_DELAY_MS = 500;

/** `pauses` receives each announced pause as it happens (so a failed or timed-out wait still has them). */
export async function waitForRollout(
  input: WaitInput,
  ports: { containers: ContainerService },
  ctx: StepContext,
  pauses: RolloutPause[] = [],
): Promise<StepOutcome<Waited>> {
  const arn = input.serviceDeployment ?? (await findServiceDeployment(input, ports, ctx));
  if (arn === undefined) {
    ctx.progress(
      'the ECS service deployments API is not available here: following DescribeServices deployments[]',
    );
    const outcome = await waitForDeployment(input, ports, ctx);
    const fallback = {
      serviceDeployment: undefined,
      strategy: undefined,
      stage: 'complete' as const,
      lifecycleStage: undefined,
      bakeUntil: undefined,
      pauses: [],
    };
    return { ...outcome, value: { ...outcome.value, ...fallback } };
  }
  return new Follower(input, arn, ports, ctx, pauses).follow();
}

/** The newest service deployment of the service created since the update (not the one before it). */
async function findServiceDeployment(
  input: WaitInput,
  ports: { containers: ContainerService },
  ctx: StepContext,
): Promise<string | undefined> {
  const since = new Date(input.updatedAt - 5 * 60_000);
  for (let attempt = 1; ; attempt++) {
    const listed = await ports.containers.listServiceDeployments(input.cluster, input.service, since);
    if (listed === undefined) return undefined;
    const mine = listed.find((d) => d.arn !== input.previousServiceDeployment);
    if (mine) return mine.arn;
    if (attempt >= FIND_ATTEMPTS) {
      throw new RemoteError(
        'ecs',
        'ECS_DEPLOYMENT_NOT_FOUND',
        `ECS accepted the update of ${input.service} to ${shortTaskDefinition(input.taskDefinition)} but ListServiceDeployments shows no service deployment of it.`,
        { fix: 'Check the service in the ECS console; run the rollout again if it did not start.' },
      );
    }
    await sleepOrInterrupt(ctx, FIND_DELAY_MS, input.service);
  }
}

async function sleepOrInterrupt(ctx: StepContext, ms: number, service: string): Promise<void> {
  try {
    await ctx.clock.sleep(ms, ctx.signal);
  } catch (error) {
    throw new InterruptedError(
      `Interrupted while waiting for the deployment of ${service}; ECS carries on with it.`,
      { cause: error },
    );
  }
}

const timeoutActionText = (action: string | undefined) =>
  action === 'ROLLBACK'
    ? 'ECS rolls the deployment back'
    : action === 'CONTINUE'
      ? 'ECS continues the deployment'
      : 'the hook times out';

/** One follow of one service deployment: what was seen so far, and the loop. */
class Follower {
  private readonly seen = { strategy: '', stage: '', split: '', counts: '' };
  private readonly hookStages = new Map<string, string>();
  private readonly announced = new Set<string>();
  private readonly events: ServiceEvent[] = [];
  private readonly knownEvents: Set<string>;
  private bakeUntil: Date | undefined;
  private readonly started: number;

  constructor(
    private readonly input: WaitInput,
    private readonly arn: string,
    private readonly ports: { containers: ContainerService },
    private readonly ctx: StepContext,
    private readonly pauses: RolloutPause[],
  ) {
    this.knownEvents = new Set(input.knownEvents);
    this.started = ctx.clock.now();
  }

  async follow(): Promise<StepOutcome<Waited>> {
    const { input, ctx } = this;
    const deadline = this.started + input.timeoutMs;
    const schedule = new PollSchedule(input.pollIntervalMs);
    ctx.progress(`following service deployment ${this.arn.split('/').at(-1) ?? this.arn}`);
    for (;;) {
      const d = await this.ports.containers.describeServiceDeployment(this.arn);
      const changed = this.observe(d);
      const shifted = input.waitUntil === 'traffic-shifted' && isTrafficShifted(d);
      // The last look reads the events too: the status can turn SUCCESSFUL in a stage already seen, after
      // the events of its end ("has reached a steady state.") were posted.
      const service =
        changed || shifted || isSucceeded(d) || isFailed(d) ? await this.readEvents() : undefined;
      if (isSucceeded(d)) return this.success(d, 'complete');
      if (shifted) return this.success(d, 'traffic-shifted');
      if (isFailed(d) && service) throw await this.failure(d, service);
      const remaining = deadline - ctx.clock.now();
      if (remaining <= 0) throw this.timeout(d);
      await sleepOrInterrupt(ctx, Math.min(schedule.next(changed), remaining), input.service);
    }
  }

  /** Report what changed since the last look; true when anything did. */
  private observe(d: ServiceDeploymentDetail): boolean {
    const { ctx } = this;
    let changed = false;
    const note = (key: keyof Follower['seen'], value: string | undefined, line: string) => {
      if (value === undefined || value === this.seen[key]) return;
      this.seen[key] = value;
      changed = true;
      ctx.progress(line);
    };
    note(
      'strategy',
      d.strategy,
      `strategy ${d.strategy}${d.bakeTimeInMinutes ? `, bake time ${d.bakeTimeInMinutes} min` : ''}`,
    );
    if (d.lifecycleStage && d.lifecycleStage !== this.seen.stage && d.lifecycleStage === 'BAKE_TIME')
      this.startBake(d);
    note(
      'stage',
      d.lifecycleStage,
      `stage ${d.lifecycleStage}${d.lifecycleStage === 'BAKE_TIME' && this.bakeUntil ? `: the bake ends at ${this.bakeUntil.toISOString()}` : ''} (${d.status})`,
    );
    const split = trafficSplit(d);
    note('split', split, split ?? '');
    note('counts', taskCounts(d), `new revision: ${taskCounts(d)}`);
    for (const hook of d.hooks)
      if (!this.hookStages.has(hook.id)) this.hookStages.set(hook.id, d.lifecycleStage ?? '');
    for (const hook of awaitingHooks(d)) changed = this.announce(d, hook.id) || changed;
    return changed;
  }

  private startBake(d: ServiceDeploymentDetail): void {
    if (!d.bakeTimeInMinutes) return;
    const since = d.updatedAt?.getTime() ?? this.ctx.clock.now();
    this.bakeUntil = new Date(since + d.bakeTimeInMinutes * 60_000);
  }

  /** A pause hook awaiting action: announced once per hook and stage, with the commands that answer it. */
  private announce(d: ServiceDeploymentDetail, hookId: string): boolean {
    const key = `${hookId}@${d.lifecycleStage ?? ''}@${d.target?.productionTrafficWeight ?? ''}`;
    if (this.announced.has(key)) return false;
    this.announced.add(key);
    const hook = d.hooks.find((h) => h.id === hookId);
    const { application, environment, service } = this.input;
    const pause: RolloutPause = {
      hookId,
      stage: d.lifecycleStage,
      expiresAt: hook?.expiresAt,
      timeoutAction: hook?.timeoutAction,
      resume: `hosting continue --app ${application} --env ${environment}`,
      abort: `hosting abort --app ${application} --env ${environment}`,
    };
    this.pauses.push(pause);
    const until = pause.expiresAt
      ? ` until ${pause.expiresAt.toISOString()}; then ${timeoutActionText(pause.timeoutAction)}`
      : '';
    const message = `The deployment of ${service} is paused at ${pause.stage ?? 'a lifecycle hook'} (pause hook ${hookId}) awaiting approval${until}. Resume it with: ${pause.resume} (or roll it back with: ${pause.abort}). Waiting.`;
    this.ctx.reporter.emit({
      type: 'notice',
      title: 'Rollout paused for approval',
      message,
      at: this.ctx.clock.now(),
    });
    return true;
  }

  /** Report the service's new events; returns the service as read. */
  private async readEvents(): Promise<ServiceInfo> {
    const service = await this.ports.containers.describeService(this.input.cluster, this.input.service);
    for (const event of [...service.events].reverse()) {
      if (this.knownEvents.has(event.id)) continue;
      this.knownEvents.add(event.id);
      this.events.push(event);
      this.ctx.progress(`event: ${event.message}`);
    }
    return service;
  }

  private success(d: ServiceDeploymentDetail, stage: WaitUntil): StepOutcome<Waited> {
    const took = formatDuration(this.ctx.clock.now() - this.started);
    const td = shortTaskDefinition(this.input.taskDefinition);
    const summary =
      stage === 'complete'
        ? `${td} deployed (${d.strategy ?? 'ROLLING'}): service deployment SUCCESSFUL, ${taskCounts(d)} (${took})`
        : `production traffic is on ${td} (${d.strategy ?? 'ROLLING'})${this.bakeUntil ? `; the bake runs until ${this.bakeUntil.toISOString()}` : ''}. A rollback after this point is not this run's to see (${took})`;
    return done(summary, {
      rolloutState: stage === 'complete' ? 'COMPLETED' : 'IN_PROGRESS',
      events: this.events,
      serviceDeployment: this.arn,
      strategy: d.strategy,
      stage,
      lifecycleStage: d.lifecycleStage,
      bakeUntil: stage === 'traffic-shifted' ? this.bakeUntil : undefined,
      pauses: this.pauses,
    });
  }

  /** The error of a failed deployment; `service` as the last look read it. */
  private async failure(d: ServiceDeploymentDetail, service: ServiceInfo): Promise<RolloutFailedError> {
    const { input } = this;
    const causes = failureCauses(d, this.hookStages);
    const { stopped, reasons } = await stoppedTaskReasons(input, this.ports);
    const backTo =
      service.taskDefinition !== input.taskDefinition ? service.taskDefinition : input.previousTaskDefinition;
    const back = shortTaskDefinition(backTo);
    const where: Record<string, string> = {
      ROLLBACK_SUCCESSFUL: `The service went back to ${back}.`,
      ROLLBACK_FAILED: `ECS could not roll the service back to ${back}: look at the service now.`,
      STOPPED: `The deployment was stopped; the service runs ${shortTaskDefinition(service.taskDefinition)}.`,
    };
    const rolledBack = d.status.startsWith('ROLLBACK_') && d.status !== 'ROLLBACK_FAILED';
    const lines = [
      `The rollout of ${input.service} to ${shortTaskDefinition(input.taskDefinition)} failed (${d.strategy ?? 'ROLLING'}, service deployment ${d.status}${d.lifecycleStage ? ` at ${d.lifecycleStage}` : ''}): ${causes.join('; ')}.`,
      stopped.length > 0
        ? `${stopped.length} task${stopped.length === 1 ? '' : 's'} stopped: ${reasons.join('; ') || 'no reason given'}`
        : 'No stopped tasks of the new revision were found.',
      where[d.status] ?? `ECS is rolling the service back to ${back}.`,
    ];
    if (this.events.length > 0) lines.push(`Last event: ${this.events.at(-1)?.message ?? ''}`);
    return new RolloutFailedError(lines.join('\n'), reasons, rolledBack ? backTo : undefined, {
      fix: 'Fix what the cause names (an image that crashes or fails its health check, an alarm, a hook), deploy a new version, and the next rollout picks it up. The deployed label was not moved.',
      details: {
        serviceDeployment: this.arn,
        status: d.status,
        taskDefinition: input.taskDefinition,
        rolledBackTo: backTo,
      },
    });
  }

  private timeout(d: ServiceDeploymentDetail): TimeoutError {
    const paused = awaitingHooks(d).length > 0;
    const last = `${d.status}${d.lifecycleStage ? ` at ${d.lifecycleStage}` : ''}, ${taskCounts(d)}`;
    const { application, environment } = this.input;
    return new TimeoutError(
      `The deployment of ${shortTaskDefinition(this.input.taskDefinition)} did not ${this.input.waitUntil === 'complete' ? 'complete' : 'shift production traffic'} within ${formatDuration(this.input.timeoutMs)} (last: ${last}${paused ? ', paused awaiting approval' : ''}).`,
      {
        fix: paused
          ? `The deployment still waits at its pause hook: hosting continue --app ${application} --env ${environment} resumes it, hosting abort rolls it back. The deployed label was not moved.`
          : `ECS keeps going: look at the service in the ECS console, or raise ${this.input.names.timeout}. The deployed label was not moved.`,
        details: { serviceDeployment: this.arn },
      },
    );
  }
}
