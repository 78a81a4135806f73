import { type HostingError, InterruptedError } from '../errors/errors.js';
import type { InfraWorkflows, ParameterValue, RunResult } from '../ports/ports.js';
import { type RecoveryResult, restore } from '../steps/restore.js';
import { trigger } from '../steps/trigger.js';
import { waitForRun } from '../steps/wait.js';
import type { ReleaseContext, ReleaseSpec, VersionWrite } from './release-spec.js';
import { type StepRunner, unwrap } from './runner.js';

/**
 * Whether to restore: after a failed run, or after a wait that timed out and cancelled the run (it
 * deployed nothing); and, whatever the flags, after an interrupt cancelled this operation's own run:
 * nothing would deploy the new value then.
 */
export function needsRestore(
  ctx: ReleaseContext,
  spec: ReleaseSpec,
  written: VersionWrite,
  after: { outcome: RunResult | undefined; failure: HostingError | undefined },
): boolean {
  const { outcome, failure } = after;
  if (failure?.code === 'INTERRUPTED' && failure.details.cancelled === true && written.wrote) return true;
  if (!ctx.options.rollbackOnFailure) return false;
  if (failure) return failure.code === 'WAIT_TIMEOUT' && spec.wait.cancelOnTimeout;
  return outcome !== undefined && outcome.conclusion !== 'success';
}

/**
 * Step `restore`: write back the value this operation replaced (as read under the lock), and with
 * redeployOnRollback (unless `redeploy` says otherwise) trigger the infra deployment again and wait.
 * Never throws: a failed recovery is a failed step and said in the summary; the original failure stays
 * the result's error.
 */
export async function recover(
  ctx: ReleaseContext,
  spec: ReleaseSpec,
  written: VersionWrite,
  how: { steps: StepRunner; workflows: InfraWorkflows; redeploy?: boolean },
): Promise<RecoveryResult> {
  const { steps } = how;
  const previous = written.current;
  const recovery: RecoveryResult = {
    restored: false,
    value: previous?.value,
    parameterVersion: undefined,
    summary: '',
    run: undefined,
    conclusion: undefined,
  };
  if (!previous || !written.wrote) {
    recovery.summary = !written.wrote
      ? `The parameter ${spec.parameter} was not changed by this operation (it already held ${spec.version}): nothing to restore.`
      : `The parameter ${spec.parameter} did not exist before: there is no previous value to restore.`;
    steps.skip('restore', recovery.summary);
    return recovery;
  }
  try {
    ctx.live.phase = 'restoring';
    const input = { ...spec, previous, writtenVersion: written.parameterVersion };
    recovery.parameterVersion = await steps.run('restore', (c) => restore(input, ctx.ports, c));
    recovery.restored = true;
    ctx.live.phase = 'restored';
    recovery.summary = `The parameter ${spec.parameter} was restored to ${previous.value} (parameter version ${recovery.parameterVersion}).`;
  } catch (thrown) {
    recovery.summary = `The previous value was not restored: ${unwrap(thrown).message}`;
    return recovery;
  }
  if (!(how.redeploy ?? ctx.options.redeployOnRollback)) {
    if (how.redeploy === undefined) {
      recovery.summary += ' The infra deployment was not triggered again (redeploy on rollback is off).';
    }
    return recovery;
  }
  return redeploy(recovery, { steps, workflows: how.workflows, spec, previous });
}

async function redeploy(
  recovery: RecoveryResult,
  ctx: { steps: StepRunner; workflows: InfraWorkflows; spec: ReleaseSpec; previous: ParameterValue },
): Promise<RecoveryResult> {
  const { steps, workflows, spec, previous } = ctx;
  try {
    const run = await steps.run('trigger', (c) => trigger({ workflow: spec.workflow }, { workflows }, c));
    recovery.run = run;
    const outcome = await steps.run('wait', (c) => waitForRun({ run, wait: spec.wait }, { workflows }, c));
    recovery.conclusion = outcome.conclusion;
    recovery.summary += ` Redeployed ${previous.value}: run ${run.id} ${outcome.conclusion}: ${run.url}`;
  } catch (thrown) {
    recovery.summary += ` The redeployment of ${previous.value} failed: ${unwrap(thrown).message}`;
  }
  return recovery;
}

/** An interrupt's error, saying what the restore it caused did (once) and what to do next. */
export function explainInterrupt(
  error: HostingError,
  recovery: RecoveryResult | undefined,
  spec: ReleaseSpec,
): HostingError {
  if (error.code !== 'INTERRUPTED' || !recovery || error.message.includes(recovery.summary)) return error;
  return new InterruptedError(`${error.message} ${recovery.summary}`, {
    fix: interruptFix(recovery, spec),
    details: error.details,
    cause: error,
  });
}

/** The fix line after an interrupt that restored (or could not restore) the previous value. */
export function interruptFix(recovery: RecoveryResult, spec: ReleaseSpec): string {
  return recovery.restored
    ? `Nothing deploys ${spec.version}: the parameter is back at ${recovery.value}. Deploy again when ready.`
    : `${spec.parameter} may hold ${spec.version} with nothing deploying it: check hosting status, then deploy again or run hosting rollback.`;
}
