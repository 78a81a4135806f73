import { HostingError, InterruptedError } from '../errors/errors.js';
import type { InfraWorkflows, ParameterValue, RunResult } from '../ports/ports.js';
import { type LeftBehind, type RecoveryResult, restore } from '../steps/restore.js';
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
    left: undefined,
  };
  if (!previous || !written.wrote) {
    recovery.summary = !written.wrote
      ? `The parameter ${spec.parameter} was not changed by this operation (it already held ${spec.version}): nothing to restore.`
      : `The parameter ${spec.parameter} did not exist before: there is no previous value to restore.`;
    if (written.wrote) recovery.left = leftBehind(spec, written, undefined);
    if (recovery.left) recovery.summary += ` ${describeLeft(recovery.left)}`;
    steps.skip('restore', recovery.summary);
    return recovery;
  }
  try {
    ctx.live.phase = 'restoring';
    const input = { ...spec, previous, writtenVersion: written.parameterVersion };
    recovery.parameterVersion = await steps.run('restore', (c) => restore(input, ctx.ports, c));
    recovery.restored = true;
    ctx.live.phase = 'restored';
    recovery.summary = `The parameter ${spec.parameter} was restored to ${previous.value} (parameter version ${recovery.parameterVersion}, read back).`;
  } catch (thrown) {
    const error = unwrap(thrown);
    // Someone else's later write is theirs: nothing of this operation's is left to undo then.
    if (error.code !== 'PARAMETER_CHANGED') recovery.left = leftBehind(spec, written, previous.value);
    recovery.summary = `The previous value was not restored: ${error.message}${recovery.left ? ` ${describeLeft(recovery.left)}` : ''}`;
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

/** What this operation left in the parameter when it could not put the previous value back. */
function leftBehind(spec: ReleaseSpec, written: VersionWrite, previous: string | undefined): LeftBehind {
  const name = shellQuote(spec.parameter);
  return {
    value: spec.version,
    parameterVersion: written.parameterVersion,
    previous,
    undo:
      previous === undefined
        ? `aws ssm delete-parameter --name ${name}`
        : `aws ssm put-parameter --name ${name} --value ${shellQuote(previous)} --type String --overwrite`,
  };
}

function describeLeft(left: LeftBehind): string {
  const back = left.previous === undefined ? 'remove it' : `put ${left.previous} back`;
  return `Left behind: ${left.value} (parameter version ${left.parameterVersion}), which nothing deploys; to ${back}: ${left.undo}`;
}

/** Names and versions are checked ([A-Za-z0-9_.-/]), so single quotes only guard the unexpected. */
function shellQuote(text: string): string {
  return /^[A-Za-z0-9_.\-/]+$/.test(text) ? text : `'${text.replaceAll("'", "'\\''")}'`;
}

/**
 * The trigger failed for good after the version was written (or an interrupt came during it): nothing
 * deploys the new value, so the value read under the lock is restored and read back, whatever the
 * flags, with no redeploy. Returns the error to throw: the trigger's, saying what the restore did, or
 * exactly what it left and the command that puts the old value back.
 */
export async function restoreUntriggered(
  ctx: ReleaseContext,
  spec: ReleaseSpec,
  written: VersionWrite,
  how: { steps: StepRunner; workflows: InfraWorkflows; failure: HostingError },
): Promise<HostingError> {
  const { failure } = how;
  const recovery = await recover(ctx, spec, written, { ...how, redeploy: false });
  ctx.result.recovery = recovery;
  if (ctx.steps.signal?.aborted) {
    return new InterruptedError(
      `Interrupted while ${spec.parameter} was being set to ${spec.version}, and the infra deployment could not be triggered (${failure.message}). ${recovery.summary}`,
      { fix: interruptFix(recovery, spec) },
    );
  }
  const unknown =
    failure.details.dispatched === 'unknown'
      ? ` Whether GitHub accepted the dispatch could not be found out (it did not answer): if a run of ${spec.workflow.workflow} appears, it deploys what the parameter holds; hosting status shows what went live.`
      : '';
  return new HostingError(
    failure.code,
    failure.kind,
    `${failure.message.replace(/\s*$/, '')} The infra deployment was not triggered. ${recovery.summary}${unknown}`,
    {
      fix: recovery.restored
        ? `Nothing deploys ${spec.version}: the parameter is back at ${recovery.value}. ${failure.fix ?? ''}`.trim()
        : recovery.left
          ? `Run ${recovery.left.undo} (or deploy again once GitHub answers). ${failure.fix ?? ''}`.trim()
          : (failure.fix ?? 'Check hosting status and hosting history before changing anything.'),
      details: { ...failure.details, restored: recovery.restored },
      cause: failure,
    },
  );
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
function interruptFix(recovery: RecoveryResult, spec: ReleaseSpec): string {
  return recovery.restored
    ? `Nothing deploys ${spec.version}: the parameter is back at ${recovery.value}. Deploy again when ready.`
    : recovery.left
      ? `${spec.parameter} holds ${spec.version} with nothing deploying it: run ${recovery.left.undo}, or deploy again.`
      : `${spec.parameter} may hold ${spec.version} with nothing deploying it: check hosting status, then deploy again or run hosting rollback.`;
}
