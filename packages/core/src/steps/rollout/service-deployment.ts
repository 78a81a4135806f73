/**
 * Reading one service deployment (DescribeServiceDeployments) the same way for every strategy:
 * is it done, has it failed and why, has production traffic moved, is it paused at a hook. Pure.
 */
import type { LifecycleHookDetail, ServiceDeploymentDetail } from '../../ports/ports.js';

/** Statuses that end the deployment as a failure (or start its rollback: the outcome is fixed). */
const FAILED = new Set([
  'STOPPED',
  'STOP_REQUESTED',
  'ROLLBACK_REQUESTED',
  'ROLLBACK_IN_PROGRESS',
  'ROLLBACK_SUCCESSFUL',
  'ROLLBACK_FAILED',
]);

/** Statuses a deployment in flight has: continue and abort act only on these. */
export const IN_FLIGHT = new Set(['PENDING', 'IN_PROGRESS']);

/** Stages in which production traffic is all on the target revision and the bake has begun (or is over). */
const SHIFTED_STAGES = new Set(['BAKE_TIME', 'CLEAN_UP']);

export function isSucceeded(d: ServiceDeploymentDetail): boolean {
  return d.status === 'SUCCESSFUL';
}

export function isFailed(d: ServiceDeploymentDetail): boolean {
  return FAILED.has(d.status);
}

/** Production traffic is fully on the new revision and the bake (if any) has begun. */
export function isTrafficShifted(d: ServiceDeploymentDetail): boolean {
  if (d.status !== 'IN_PROGRESS' || !d.lifecycleStage || !SHIFTED_STAGES.has(d.lifecycleStage)) return false;
  return (d.target?.productionTrafficWeight ?? 100) >= 100;
}

/** The pause hooks waiting for ContinueServiceDeployment. */
export function awaitingHooks(d: ServiceDeploymentDetail): LifecycleHookDetail[] {
  return d.hooks.filter((h) => h.status === 'AWAITING_ACTION');
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Why the deployment failed, in the user's terms: the circuit breaker with its count and threshold,
 * the alarms that triggered, a failed or timed-out lifecycle hook and the stage it ran at, ECS's reason.
 * `hookStages` is the stage each hook was first seen at (hook details do not carry it).
 */
export function failureCauses(
  d: ServiceDeploymentDetail,
  hookStages: ReadonlyMap<string, string> = new Map(),
): string[] {
  const causes: string[] = [];
  const cb = d.circuitBreaker;
  if (cb && (cb.status === 'TRIGGERED' || (cb.threshold && (cb.failureCount ?? 0) >= cb.threshold))) {
    causes.push(
      `the deployment circuit breaker tripped: ${plural(cb.failureCount ?? 0, 'failed task')} (threshold ${cb.threshold ?? '?'})`,
    );
  }
  if (d.alarms && d.alarms.triggered.length > 0) {
    const names = d.alarms.triggered.map((a) => `"${a}"`).join(', ');
    causes.push(`CloudWatch alarm${d.alarms.triggered.length === 1 ? '' : 's'} ${names} went into ALARM`);
  }
  // ECS's own reason repeats a breaker's or an alarm's cause (said better above); otherwise it adds to it.
  const monitored = causes.length > 0;
  for (const hook of d.hooks.filter((h) => h.status === 'FAILED' || h.status === 'TIMED_OUT')) {
    const stage = hookStages.get(hook.id) ?? d.lifecycleStage;
    const what = hook.targetType === 'PAUSE' ? 'pause hook' : `lifecycle hook ${hook.targetArn ?? ''}`.trim();
    const timedOut =
      hook.status === 'TIMED_OUT' ? ` timed out (timeout action ${hook.timeoutAction ?? '?'})` : ' failed';
    causes.push(`the ${what} ${hook.id}${stage ? ` at ${stage}` : ''}${timedOut}`);
  }
  const reason = d.rollback?.reason ?? d.statusReason;
  if (reason && !monitored) causes.push(reason);
  if (causes.length === 0) causes.push(`the service deployment ended ${d.status}`);
  return causes;
}

/** "traffic 10% → new, 90% → previous" when the strategy shifts traffic by weight. */
export function trafficSplit(d: ServiceDeploymentDetail): string | undefined {
  const weight = d.target?.productionTrafficWeight;
  if (weight === undefined) return undefined;
  const test = d.target?.testTrafficWeight;
  return `production traffic ${weight}% on the new revision, ${100 - weight}% on the previous${test !== undefined && test !== weight ? ` (test traffic ${test}%)` : ''}`;
}

/** The target revision's tasks: "3/4 running, 1 pending". */
export function taskCounts(d: ServiceDeploymentDetail): string {
  const t = d.target;
  if (!t) return 'no target revision yet';
  return `${t.running}/${t.requested} tasks running${t.pending > 0 ? `, ${t.pending} pending` : ''}`;
}
