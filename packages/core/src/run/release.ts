import { type HostingError, InterruptedError } from '../errors/errors.js';
import type { ParameterValue, RunRef, RunResult } from '../ports/ports.js';
import { report } from '../steps/report.js';
import { setVersion } from '../steps/set-version.js';
import { trigger } from '../steps/trigger.js';
import { verify } from '../steps/verify.js';
import { waitForRun } from '../steps/wait.js';
import { explainInterrupt, needsRestore, recover, restoreUntriggered } from './recover.js';
import { type OperationLock, takeLock } from './release-lock.js';
import type { ReleaseContext, ReleaseSpec, VersionWrite } from './release-spec.js';
import { StepFailure, unwrap } from './runner.js';

/** Why trigger and wait are skipped when there is nothing to trigger with (or asked not to). */
function notTriggered(ctx: ReleaseContext): string {
  return ctx.options.trigger === false
    ? 'only the version was set, as asked (no trigger): the infra deployment was not triggered'
    : 'no GitHub token: the infra deployment was not triggered';
}

/**
 * The release tail every operation that changes a deployment ends with, in the order of
 * RELEASE_STEPS: lock, set-version, trigger, wait, verify, restore (after a failure), report. The
 * parameter is written only by `set-version` and `restore`, each under the lock and after the value's
 * image is confirmed. The lock is released at the end whatever happens (with no wait: right after the
 * trigger). Throws the first failure (an interrupt's saying what its restore did).
 */
export async function release(given: ReleaseContext, spec: ReleaseSpec): Promise<void> {
  // Only the version is set when asked: no run is triggered, waited for or looked at.
  const workflows = given.options.trigger === false ? undefined : given.ports.workflows;
  const ctx = { ...given, ports: { ...given.ports, workflows } };
  const lock = await takeLock(ctx, spec);
  try {
    const written = await setVersionStep(ctx, spec);
    const { outcome, failure } = await deployRun(ctx, spec, written, lock);
    await restoreStep(ctx, spec, written, { outcome, failure });
    if (failure) throw new StepFailure(failure);
    await reportStep(ctx, spec, written, outcome);
  } catch (thrown) {
    throw new StepFailure(explainInterrupt(unwrap(thrown), ctx.result.recovery, spec));
  } finally {
    await lock.release();
  }
}

/** trigger, wait and verify; a failure of any ends them and is returned for the restore to judge. */
async function deployRun(
  ctx: ReleaseContext,
  spec: ReleaseSpec,
  written: VersionWrite,
  lock: OperationLock,
): Promise<{ outcome: RunResult | undefined; failure: HostingError | undefined }> {
  let outcome: RunResult | undefined;
  try {
    const run = await triggerStep(ctx, spec, written, lock);
    outcome = await waitStep(ctx, spec, written, run);
    await verifyStep(ctx, spec, written, run, outcome);
    return { outcome, failure: undefined };
  } catch (thrown) {
    return { outcome, failure: unwrap(thrown) };
  }
}

async function setVersionStep(ctx: ReleaseContext, spec: ReleaseSpec): Promise<VersionWrite> {
  const { result, live } = ctx;
  live.parameter = spec.parameter;
  live.version = spec.version;
  const input = {
    parameter: spec.parameter,
    version: spec.version,
    description: spec.description,
    read: (current: ParameterValue | undefined) => {
      result.previousValue = current?.value;
      live.previous = current?.value;
    },
    writing: () => {
      live.phase = 'writing' as const;
    },
  };
  const written = await ctx.steps.run('set-version', (c) => setVersion(input, ctx.ports, c));
  result.parameterVersion = written.parameterVersion;
  if (written.wrote) live.phase = 'written';
  return written;
}

/**
 * Once the version was written, the trigger runs whatever the signal says (seconds): a written value
 * that nothing deploys is never left behind. If the trigger fails after an interrupt, the previous value
 * is restored instead. With no wait, the lock is released right after.
 */
async function triggerStep(
  ctx: ReleaseContext,
  spec: ReleaseSpec,
  written: VersionWrite,
  lock: OperationLock,
): Promise<RunRef | undefined> {
  const { steps, result, live } = ctx;
  const workflows = ctx.ports.workflows;
  if (!workflows) {
    const how = ctx.options.trigger === false ? 'when ready' : 'or deploy again with GITHUB_TOKEN set';
    steps.skip('trigger', `${notTriggered(ctx)}; trigger it in the infra repository ${how}`);
    return undefined;
  }
  const runner = written.wrote ? steps.shielded() : steps;
  let run: RunRef;
  try {
    run = await runner.run('trigger', (c) => trigger({ workflow: spec.workflow }, { workflows }, c));
  } catch (thrown) {
    const failure = unwrap(thrown);
    // GitHub accepted the dispatch (its run could not be followed): a run deploys the value written.
    if (!written.wrote || failure.details.dispatched === 'yes') throw thrown;
    // Nothing deploys the value written: put back the one read under the lock (or say what is left).
    throw await restoreUntriggered(ctx, spec, written, { steps: runner, workflows, failure });
  }
  result.run = run;
  live.phase = 'triggered';
  live.run = run;
  if (!spec.wait.enabled) await lock.release();
  return run;
}

async function waitStep(
  ctx: ReleaseContext,
  spec: ReleaseSpec,
  written: VersionWrite,
  run: RunRef | undefined,
): Promise<RunResult | undefined> {
  const { steps, result } = ctx;
  const workflows = ctx.ports.workflows;
  if (!workflows || !run) {
    steps.skip('wait', notTriggered(ctx));
    return undefined;
  }
  if (written.wrote && steps.signal?.aborted) {
    // Interrupted during the write or the trigger: both were finished; the run is left to deploy it.
    const message = `Interrupted while ${spec.parameter} was being set to ${spec.version}: the write and the trigger were finished, so run ${run.id} deploys ${spec.version} (not waited for, not cancelled): ${run.url}`;
    const fix = `Follow the run at ${run.url}; hosting status shows what runs. To go back afterwards: hosting rollback --app ${spec.application} --env ${spec.environment}.`;
    return steps.shielded().run('wait', async () => {
      throw new InterruptedError(message, { fix, details: { runUrl: run.url, runId: run.id } });
    });
  }
  if (!spec.wait.enabled) {
    steps.skip('wait', `not waiting: follow the run at ${run.url}`);
    return undefined;
  }
  const outcome = await steps.run('wait', (c) => waitForRun({ run, wait: spec.wait }, { workflows }, c));
  ctx.live.phase = 'done';
  result.conclusion = outcome.conclusion;
  result.failedJobs = outcome.failedJobs;
  return outcome;
}

/** Step `verify`, after a successful run only: did the `deployed` label move to the version written? */
async function verifyStep(
  ctx: ReleaseContext,
  spec: ReleaseSpec,
  written: VersionWrite,
  run: RunRef | undefined,
  outcome: RunResult | undefined,
): Promise<void> {
  if (outcome?.conclusion !== 'success' || !run) return;
  const { result } = ctx;
  const input = {
    parameter: spec.parameter,
    version: spec.version,
    parameterVersion: written.parameterVersion,
    run,
  };
  try {
    const live = await ctx.steps.runOptional('verify', (c) => verify(input, ctx.ports, c));
    if (live) result.verified = true;
  } catch (thrown) {
    result.verified = false;
    throw thrown;
  }
}

/** Step `restore` when `needsRestore` says so; after an interrupt it still runs, shielded, with no redeploy. */
async function restoreStep(
  ctx: ReleaseContext,
  spec: ReleaseSpec,
  written: VersionWrite,
  after: { outcome: RunResult | undefined; failure: HostingError | undefined },
): Promise<void> {
  const workflows = ctx.ports.workflows;
  if (ctx.result.recovery || !workflows || !needsRestore(ctx, spec, written, after)) return;
  const aborted = ctx.steps.signal?.aborted === true;
  const steps = aborted ? ctx.steps.shielded() : ctx.steps;
  const redeploy = aborted ? { redeploy: false } : {};
  ctx.result.recovery = await recover(ctx, spec, written, { steps, workflows, ...redeploy });
}

async function reportStep(
  ctx: ReleaseContext,
  spec: ReleaseSpec,
  written: VersionWrite,
  outcome: RunResult | undefined,
): Promise<void> {
  const { steps, result } = ctx;
  if (!ctx.ports.workflows) {
    steps.skip('report', `version set, not deployed: ${spec.parameter} = ${spec.version}`);
    return;
  }
  if (!spec.wait.enabled || !outcome) {
    steps.skip('report', 'deployment triggered; its outcome is not known');
    return;
  }
  const elapsedMs = result.steps.reduce((t, s) => t + s.durationMs, 0);
  const success = `${spec.success(written.current?.value)}${result.verified ? ', verified' : ''}`;
  const input = { outcome, recovery: result.recovery, success, elapsedMs };
  await steps.run('report', async () => report(input));
}
