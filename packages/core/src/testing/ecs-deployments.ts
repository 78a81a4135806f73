/**
 * An in-memory model of ECS service deployments for unit tests: a deployment plays a script of frames
 * (status, lifecycle stage, traffic weight, tasks) against the fake clock; a frame with a pause hook holds
 * until ContinueServiceDeployment; ROLLBACK and StopServiceDeployment roll it back.
 */
import { PreconditionError } from '../errors/errors.js';
import type {
  Clock,
  LifecycleHookDetail,
  ServiceDeploymentBrief,
  ServiceDeploymentDetail,
} from '../ports/ports.js';

export interface FakeFrame {
  /** When the frame begins, in ms after the update (time spent paused shifts the later frames). */
  at: number;
  status?: string;
  stage?: string;
  /** Production traffic weight of the new revision. */
  weight?: number;
  running?: number;
  /** A pause hook awaiting action at this frame. */
  pause?: { timeoutAction?: 'CONTINUE' | 'ROLLBACK'; expiresInMs?: number };
  /** Alarms in ALARM. */
  triggered?: string[];
  circuitBreaker?: { failureCount: number; threshold: number; status?: string };
  /** A lifecycle hook (Lambda) that failed at this frame. */
  failedHook?: string;
  reason?: string;
}

export interface FakeStrategy {
  strategy: 'ROLLING' | 'BLUE_GREEN' | 'LINEAR' | 'CANARY';
  bakeTimeInMinutes?: number;
  alarms?: string[];
  frames: FakeFrame[];
}

interface Live {
  arn: string;
  service: string;
  createdAt: number;
  script: FakeStrategy;
  desired: number;
  /** Index of the frame shown; frames before it are history. */
  index: number;
  /** Time spent paused so far (shifts later frames). */
  shift: number;
  pausedAt: number | undefined;
  resumed: Set<number>;
  ended: { status: string; reason: string } | undefined;
  onRollback: () => void;
}

export class FakeServiceDeployments {
  private readonly live = new Map<string, Live>();
  private serial = 1;
  readonly actions: { arn: string; action: string }[] = [];

  constructor(private readonly clock: Clock) {}

  /** Start a service deployment of `service` playing `script`; returns its ARN. */
  start(service: string, script: FakeStrategy, desired: number, onRollback: () => void): string {
    const arn = `arn:aws:ecs:eu-west-1:123456789012:service-deployment/${service}/${this.serial++}`;
    this.live.set(arn, {
      arn,
      service,
      createdAt: this.clock.now(),
      script,
      desired,
      index: 0,
      shift: 0,
      pausedAt: undefined,
      resumed: new Set(),
      ended: undefined,
      onRollback,
    });
    return arn;
  }

  list(service: string, since?: Date): ServiceDeploymentBrief[] {
    return [...this.live.values()]
      .filter((d) => d.service === service && (!since || d.createdAt >= since.getTime()))
      .map((d) => ({ arn: d.arn, status: this.describe(d.arn).status, createdAt: new Date(d.createdAt) }))
      .reverse();
  }

  describe(arn: string): ServiceDeploymentDetail {
    const d = this.get(arn);
    this.advance(d);
    return this.detail(d);
  }

  continue(arn: string, hookId: string, action: 'CONTINUE' | 'ROLLBACK'): void {
    const d = this.get(arn);
    this.advance(d);
    this.actions.push({ arn, action: `continue:${action}` });
    if (d.pausedAt === undefined || hookId !== `hook-${d.index}`) {
      throw new PreconditionError('AWS_VALIDATION', `No pause hook ${hookId} awaits action on ${arn}.`);
    }
    if (action === 'ROLLBACK') {
      this.rollback(d, 'rolled back by ContinueServiceDeployment ROLLBACK');
      return;
    }
    d.shift += this.clock.now() - d.pausedAt;
    d.pausedAt = undefined;
    d.resumed.add(d.index);
  }

  stop(arn: string): void {
    const d = this.get(arn);
    this.actions.push({ arn, action: 'stop:ROLLBACK' });
    this.rollback(d, 'rolled back by StopServiceDeployment');
  }

  private rollback(d: Live, reason: string): void {
    d.ended = { status: 'ROLLBACK_SUCCESSFUL', reason };
    d.pausedAt = undefined;
    d.onRollback();
  }

  private get(arn: string): Live {
    const d = this.live.get(arn);
    if (!d) throw new PreconditionError('AWS_VALIDATION', `Unknown service deployment ${arn}.`);
    return d;
  }

  /** Move to the last frame whose time has come, holding at an unanswered pause. */
  private advance(d: Live): void {
    if (d.ended) return;
    const now = this.clock.now();
    for (;;) {
      const frame = d.script.frames[d.index];
      if (frame?.pause && !d.resumed.has(d.index)) {
        d.pausedAt ??= now;
        const expires = frame.pause.expiresInMs;
        if (expires === undefined || now - d.pausedAt < expires) return;
        if (frame.pause.timeoutAction === 'ROLLBACK') {
          this.rollback(d, 'the pause hook timed out');
          return;
        }
        d.resumed.add(d.index);
        d.shift += now - d.pausedAt;
        d.pausedAt = undefined;
      }
      const next = d.script.frames[d.index + 1];
      if (!next || now - d.createdAt - d.shift < next.at) break;
      d.index++;
    }
    const status = d.script.frames[d.index]?.status;
    if (status?.startsWith('ROLLBACK_')) d.onRollback();
  }

  private hooks(d: Live, frames: FakeFrame[]): LifecycleHookDetail[] {
    const paused = d.pausedAt !== undefined && !d.ended;
    return frames.flatMap((f, i): LifecycleHookDetail[] => {
      if (f.failedHook)
        return [{ id: `hook-${i}`, targetType: 'AWS_LAMBDA', targetArn: f.failedHook, status: 'FAILED' }];
      if (!f.pause) return [];
      const current = i === d.index;
      const status = current && paused ? 'AWAITING_ACTION' : current && d.ended ? 'FAILED' : 'SUCCEEDED';
      const expiresAt =
        f.pause.expiresInMs !== undefined && current
          ? new Date((d.pausedAt ?? this.clock.now()) + f.pause.expiresInMs)
          : undefined;
      return [
        {
          id: `hook-${i}`,
          targetType: 'PAUSE',
          status,
          expiresAt,
          timeoutAction: f.pause.timeoutAction ?? 'ROLLBACK',
        },
      ];
    });
  }

  private detail(d: Live): ServiceDeploymentDetail {
    const frames = d.script.frames.slice(0, d.index + 1);
    const frame = d.script.frames[d.index] ?? { at: 0 };
    const last = <K extends keyof FakeFrame>(key: K): FakeFrame[K] | undefined =>
      [...frames].reverse().find((f) => f[key] !== undefined)?.[key];
    const hooks = this.hooks(d, frames);
    const weight = last('weight');
    const cb = last('circuitBreaker');
    return {
      arn: d.arn,
      status: d.ended?.status ?? frame.status ?? 'IN_PROGRESS',
      statusReason: d.ended?.reason ?? last('reason'),
      createdAt: new Date(d.createdAt),
      updatedAt: new Date(d.createdAt + d.shift + frame.at),
      lifecycleStage: last('stage'),
      strategy: d.script.strategy,
      bakeTimeInMinutes: d.script.bakeTimeInMinutes,
      target: {
        arn: `${d.arn}/target`,
        requested: d.desired,
        running: last('running') ?? 0,
        pending: d.desired - (last('running') ?? 0),
        productionTrafficWeight: d.script.strategy === 'ROLLING' ? undefined : (weight ?? 0),
      },
      sources: [],
      hooks,
      alarms: d.script.alarms
        ? { status: 'MONITORING', names: d.script.alarms, triggered: last('triggered') ?? [] }
        : undefined,
      circuitBreaker: cb ? { status: cb.status ?? 'MONITORING', ...cb } : undefined,
      rollback: d.ended ? { reason: d.ended.reason } : undefined,
    };
  }
}

/** Frames for the common scripts: a good deployment of each strategy. */
export function goodFrames(
  strategy: FakeStrategy['strategy'],
  options: { bakeMinutes?: number; pauseAt?: string; desired?: number } = {},
): FakeStrategy {
  const desired = options.desired ?? 2;
  const bakeMs = (options.bakeMinutes ?? 0) * 60_000;
  const frames: FakeFrame[] = [
    { at: 0, status: 'IN_PROGRESS', stage: 'SCALE_UP', running: 0, weight: 0 },
    { at: 1000, stage: 'SCALE_UP', running: desired },
  ];
  const steps = strategy === 'LINEAR' ? [25, 50, 75, 100] : strategy === 'CANARY' ? [10, 100] : [100];
  let at = 2000;
  if (strategy === 'ROLLING') frames.push({ at, stage: 'CLEAN_UP' });
  else
    for (const weight of steps) {
      frames.push({
        at,
        stage: 'PRODUCTION_TRAFFIC_SHIFT',
        weight,
        ...(options.pauseAt === 'PRODUCTION_TRAFFIC_SHIFT' ? { pause: {} } : {}),
      });
      at += 1000;
    }
  if (bakeMs > 0) frames.push({ at: at + 1000, stage: 'BAKE_TIME' });
  frames.push(
    { at: at + 2000 + bakeMs, stage: 'CLEAN_UP' },
    { at: at + 3000 + bakeMs, status: 'SUCCESSFUL' },
  );
  return { strategy, bakeTimeInMinutes: options.bakeMinutes ?? 0, frames };
}
