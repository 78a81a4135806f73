import { deleteLock, type LockRecord, lockParameterName, newLockRecord } from '../domain/lock.js';
import { type HostingError, InterruptedError } from '../errors/errors.js';
import { DEFAULTS } from '../inputs/inputs.js';
import type { DeployPlan } from '../plan/deploy.js';
import type { ReleaseOptions } from '../plan/release.js';
import type { OperationPorts } from '../ports/bundles.js';
import type { StepId } from '../ports/events.js';
import type { InfraWorkflows, ParameterValue, RunResult, WorkflowTarget } from '../ports/ports.js';
import { lock } from '../steps/lock.js';
import { report } from '../steps/report.js';
import type { RecoveryResult } from '../steps/restore.js';
import { restore } from '../steps/restore.js';
import { type SetVersionInput, setVersion } from '../steps/set-version.js';
import { trigger } from '../steps/trigger.js';
import { verify } from '../steps/verify.js';
import { waitForRun } from '../steps/wait.js';
import type { ReleaseLive } from './ports.js';
import type { DeployResult } from './result.js';
import { type StepRunner, type StepTable, unwrap } from './runner.js';

/** Steps that run even after an earlier one failed: the restore after a timed-out, cancelled wait. */
export const AFTER_FAILURE: ReadonlySet<StepId> = new Set(['rollback']);
/** The lock outlives the waits it covers (runs in flight, the infra run, a redeploy) by this much. */
const LOCK_MARGIN_MS = 10 * 60_000;

/** What the release writes and triggers, known once the operation's preflight has run. */
export interface ReleaseSpec {
  operation: LockRecord['operation'];
  application: string;
  environment: string;
  /** What success means, for the report step, given the value replaced (read under the lock). */
  success: (from: string | undefined) => string;
  /** ECR repository, to confirm the image of a value before writing it back on recovery. */
  repository: string;
  parameter: string;
  /** The value to write. The caller has confirmed its image is in the registry. */
  version: string;
  /** The provenance Description to write with the value, given the value it replaces. */
  description: (current: ParameterValue | undefined) => string;
  /** Told the parameter's value as read under the lock (e.g. rollback's `from`). */
  read?: ((current: ParameterValue | undefined) => void) | undefined;
  workflow: WorkflowTarget;
  wait: DeployPlan['wait'];
  /** Who and from where: the lock's holder, and the provenance of a recovery. */
  actor: string;
  runUrl: string | undefined;
}

export interface ReleaseState {
  ports: OperationPorts;
  options: ReleaseOptions;
  /** Filled in as the steps complete (parameterVersion, run, conclusion, recovery). */
  result: DeployResult;
  /** Set by the operation's preflight. */
  spec: ReleaseSpec | undefined;
  /** The infra run's outcome, once waited for. */
  outcome?: RunResult | undefined;
  /** The lock, while this operation holds it. */
  lock?: { name: string; record: LockRecord } | undefined;
  /** The parameter as read under the lock: what `set-version` replaced and a restore writes back. */
  current?: ParameterValue | undefined;
  /** The version write was sent (from here on, an interrupt finishes the trigger or restores). */
  writing?: boolean | undefined;
  /** `set-version` wrote the parameter (at `result.parameterVersion`). */
  wrote?: boolean | undefined;
  /** Where the release is, for a quit at once (second Ctrl-C). */
  live: ReleaseLive;
}

const NO_TOKEN = 'no GitHub token: the infra deployment was not triggered';

export function newReleaseLive(): ReleaseLive {
  return {
    lock: undefined,
    parameter: undefined,
    version: undefined,
    previous: undefined,
    phase: 'before-write',
    run: undefined,
  };
}

/**
 * Lock, set the version, trigger, wait, verify, restore and report, as bound steps filling in
 * `state.result`. The parameter is written only by `set-version` and `rollback`, each under the lock and
 * after the value's image is confirmed. `finishRelease` releases the lock afterwards.
 */
export function releaseSteps(state: ReleaseState): StepTable {
  const spec = () => {
    if (!state.spec) throw new Error('The release ran before the preflight.');
    return state.spec;
  };
  const { ports, result } = state;
  const workflows = ports.workflows;
  return {
    lock: async (steps) => lockStep(state, steps, spec()),
    'set-version': async (steps) => setVersionStep(state, steps, spec()),
    trigger: async (steps) => {
      if (!workflows) {
        steps.skip(
          'trigger',
          `${NO_TOKEN}; trigger it in the infra repository, or deploy again with GITHUB_TOKEN set`,
        );
        return;
      }
      await triggerStep(state, steps, { spec: spec(), workflows });
    },
    wait: async (steps) => waitStep(state, steps, spec()),
    verify: async (steps) => {
      const run = result.run;
      const parameterVersion = result.parameterVersion;
      if (state.outcome?.conclusion !== 'success' || !run || parameterVersion === undefined) return;
      const input = { parameter: spec().parameter, version: spec().version, parameterVersion, run };
      try {
        const live = await steps.runOptional('verify', (ctx) => verify(input, ports, ctx));
        if (live) result.verified = true;
      } catch (thrown) {
        result.verified = false;
        throw thrown;
      }
    },
    rollback: async (steps, failure) => {
      if (!workflows || !needsRestore(state, spec(), failure)) return;
      // After an interrupt the restore must still run: it is what leaves no new value undeployed.
      const aborted = steps.signal?.aborted === true;
      const runner = aborted ? steps.shielded() : steps;
      const redeploy = aborted ? { redeploy: false } : {};
      result.recovery = await recover(state, { steps: runner, workflows, spec: spec(), ...redeploy });
    },
    report: async (steps) => reportStep(state, steps, spec()),
  };
}

/** `--app A --env E [--parameter P]`: the flags naming this lock, for fix lines. */
function unlockArgs(spec: ReleaseSpec): string {
  const custom = spec.parameter !== DEFAULTS.parameter(spec.application, spec.environment);
  return `--app ${spec.application} --env ${spec.environment}${custom ? ` --parameter ${spec.parameter}` : ''}`;
}

async function lockStep(state: ReleaseState, steps: StepRunner, spec: ReleaseSpec): Promise<void> {
  const { ports, options } = state;
  const name = lockParameterName(spec.parameter);
  const args = unlockArgs(spec);
  const waits = 2 + (options.redeployOnRollback ? 1 : 0);
  const input = {
    name,
    record: newLockRecord({
      holder: spec.actor,
      operation: spec.operation,
      version: spec.version,
      run: spec.runUrl,
    }),
    expiresInMs: waits * spec.wait.timeoutMs + LOCK_MARGIN_MS,
    what: `${spec.application}/${spec.environment}`,
    unlockArgs: args,
    workflow: ports.workflows ? spec.workflow : undefined,
    timeoutMs: spec.wait.timeoutMs,
    waitForLock: options.waitForLock ?? true,
    taken: (record: LockRecord) => {
      state.lock = { name, record };
      state.live.lock = { name, unlock: `hosting unlock ${args}` };
    },
  };
  await steps.runOptional('lock', (ctx) => lock(input, ports, ctx));
}

async function setVersionStep(state: ReleaseState, steps: StepRunner, spec: ReleaseSpec): Promise<void> {
  const { result, live } = state;
  live.parameter = spec.parameter;
  live.version = spec.version;
  const input: SetVersionInput = {
    parameter: spec.parameter,
    version: spec.version,
    description: spec.description,
    read: (current) => {
      state.current = current;
      result.previousValue = current?.value;
      live.previous = current?.value;
      spec.read?.(current);
    },
    writing: () => {
      state.writing = true;
      live.phase = 'writing';
    },
  };
  const value = await steps.run('set-version', (ctx) => setVersion(input, state.ports, ctx));
  result.parameterVersion = value.parameterVersion;
  state.wrote = value.wrote;
  if (value.wrote) live.phase = 'written';
}

/**
 * Once the version write has started, the trigger runs whatever the signal says (seconds): a written
 * value that nothing deploys is never left behind. If the trigger fails after an interrupt, the
 * previous value is restored instead. With `--no-wait` the lock is released right after.
 */
async function triggerStep(
  state: ReleaseState,
  steps: StepRunner,
  ctx: { spec: ReleaseSpec; workflows: InfraWorkflows },
): Promise<void> {
  const { result, live } = state;
  const { spec, workflows } = ctx;
  const runner = state.writing ? steps.shielded() : steps;
  try {
    result.run = await runner.run('trigger', (c) => trigger({ workflow: spec.workflow }, { workflows }, c));
  } catch (thrown) {
    if (!state.wrote || !steps.signal?.aborted) throw thrown;
    const recovery = await recover(state, { steps: runner, workflows, spec, redeploy: false });
    result.recovery = recovery;
    throw new InterruptedError(
      `Interrupted while ${spec.parameter} was being set to ${spec.version}, and the infra deployment could not be triggered (${unwrap(thrown).message}). ${recovery.summary}`,
      {
        fix: recovery.restored
          ? `Nothing deploys ${spec.version}: the parameter is back at ${recovery.value}. Deploy again when ready.`
          : `${spec.parameter} may hold ${spec.version} with nothing deploying it: check hosting status, then deploy again or run hosting rollback.`,
      },
    );
  }
  live.phase = 'triggered';
  live.run = result.run;
  if (!spec.wait.enabled) await releaseLock(state);
}

async function waitStep(state: ReleaseState, steps: StepRunner, spec: ReleaseSpec): Promise<void> {
  const { result } = state;
  const workflows = state.ports.workflows;
  if (!workflows || !result.run) return steps.skip('wait', NO_TOKEN);
  const run = result.run;
  if (state.writing && steps.signal?.aborted) {
    // Interrupted during the write or the trigger: both were finished; the run is left to deploy it.
    const message = `Interrupted while ${spec.parameter} was being set to ${spec.version}: the write and the trigger were finished, so run ${run.id} deploys ${spec.version} (not waited for, not cancelled): ${run.url}`;
    const fix = `Follow the run at ${run.url}; hosting status shows what runs. To go back afterwards: hosting rollback --app ${spec.application} --env ${spec.environment}.`;
    return steps.shielded().run('wait', async () => {
      throw new InterruptedError(message, { fix, details: { runUrl: run.url, runId: run.id } });
    });
  }
  if (!spec.wait.enabled) return steps.skip('wait', `not waiting: follow the run at ${run.url}`);
  const outcome = await steps.run('wait', (ctx) => waitForRun({ run, wait: spec.wait }, { workflows }, ctx));
  state.outcome = outcome;
  state.live.phase = 'done';
  result.conclusion = outcome.conclusion;
  result.failedJobs = outcome.failedJobs;
}

async function reportStep(state: ReleaseState, steps: StepRunner, spec: ReleaseSpec): Promise<void> {
  if (!state.ports.workflows) {
    return steps.skip(
      'report',
      `${spec.parameter} = ${spec.version}; the infra deployment was not triggered`,
    );
  }
  const outcome = state.outcome;
  if (!spec.wait.enabled || !outcome)
    return steps.skip('report', 'deployment triggered; its outcome is not known');
  const elapsedMs = state.result.steps.reduce((t, s) => t + s.durationMs, 0);
  const success = `${spec.success(state.current?.value)}${state.result.verified ? ', verified' : ''}`;
  const input = { outcome, recovery: state.result.recovery, success, elapsedMs };
  await steps.run('report', async () => report(input));
}

/**
 * Restore after a failed run, or after a wait that timed out and cancelled the run (it deployed
 * nothing); and, whatever the flags, after an interrupt cancelled this operation's own run: nothing
 * would deploy the new value then.
 */
function needsRestore(state: ReleaseState, spec: ReleaseSpec, failure: HostingError | undefined): boolean {
  if (failure?.code === 'INTERRUPTED' && failure.details.cancelled === true && state.wrote) return true;
  if (!state.options.rollbackOnFailure) return false;
  if (failure) return failure.code === 'WAIT_TIMEOUT' && spec.wait.cancelOnTimeout;
  return state.outcome !== undefined && state.outcome.conclusion !== 'success';
}

/**
 * Write back the value this operation replaced (as read under the lock; step `rollback`), and with
 * redeployOnRollback trigger the infra deployment again and wait. Never throws: a failed recovery is
 * reported as a failed step and in the summary, and the original failure stays the result's error.
 */
async function recover(
  state: ReleaseState,
  ctx: { steps: StepRunner; workflows: InfraWorkflows; spec: ReleaseSpec; redeploy?: boolean },
): Promise<RecoveryResult> {
  const { steps, workflows, spec } = ctx;
  const previous = state.current;
  const writtenVersion = state.result.parameterVersion;
  const recovery: RecoveryResult = {
    restored: false,
    value: previous?.value,
    parameterVersion: undefined,
    summary: '',
    run: undefined,
    conclusion: undefined,
  };
  if (!previous || !state.wrote || writtenVersion === undefined) {
    recovery.summary = !state.wrote
      ? `The parameter ${spec.parameter} was not changed by this operation (it already held ${spec.version}): nothing to restore.`
      : `The parameter ${spec.parameter} did not exist before: there is no previous value to restore.`;
    steps.skip('rollback', recovery.summary);
    return recovery;
  }
  try {
    state.live.phase = 'restoring';
    const input = { ...spec, previous, writtenVersion };
    recovery.parameterVersion = await steps.run('rollback', (c) => restore(input, state.ports, c));
    recovery.restored = true;
    state.live.phase = 'restored';
    recovery.summary = `The parameter ${spec.parameter} was restored to ${previous.value} (parameter version ${recovery.parameterVersion}).`;
  } catch (thrown) {
    recovery.summary = `The previous value was not restored: ${unwrap(thrown).message}`;
    return recovery;
  }
  if (!(ctx.redeploy ?? state.options.redeployOnRollback)) {
    if (ctx.redeploy === undefined) {
      recovery.summary += ' The infra deployment was not triggered again (redeploy on rollback is off).';
    }
    return recovery;
  }
  return redeploy(recovery, { steps, workflows, spec, previous });
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

/** Delete the lock if this operation still holds it. Never throws: a failure is a warning with the fix. */
export async function releaseLock(state: ReleaseState): Promise<void> {
  const held = state.lock;
  if (!held) return;
  state.lock = undefined;
  const { parameters, reporter, clock } = state.ports;
  const unlock = state.live.lock?.unlock ?? 'hosting unlock';
  try {
    const outcome = await deleteLock(parameters, held.name, { id: held.record.id, version: undefined });
    state.live.lock = undefined;
    const message =
      outcome === 'changed'
        ? `The lock ${held.name} was taken over by someone else meanwhile (this operation ran past its expiry, ${held.record.expires}); it was left to them.`
        : `lock ${held.name} released`;
    reporter.emit(
      outcome === 'changed'
        ? { type: 'warning', title: 'Lock taken over', message, at: clock.now() }
        : { type: 'debug', message, at: clock.now() },
    );
  } catch (thrown) {
    reporter.emit({
      type: 'warning',
      title: 'Lock not released',
      message: `Could not remove the lock ${held.name}: ${unwrap(thrown).message} Remove it with ${unlock}; otherwise it expires at ${held.record.expires}.`,
      at: clock.now(),
    });
  }
}

/**
 * After the steps: release the lock (also after a failure or an interrupt), and make an interrupt's
 * error say what the restore it caused did.
 */
export async function finishRelease(
  state: ReleaseState,
  error: HostingError | undefined,
): Promise<HostingError | undefined> {
  await releaseLock(state);
  const recovery = state.result.recovery;
  if (error?.code !== 'INTERRUPTED' || !recovery || error.message.includes(recovery.summary)) return error;
  const spec = state.spec;
  return new InterruptedError(`${error.message} ${recovery.summary}`, {
    fix: recovery.restored
      ? `Nothing deploys ${spec?.version}: the parameter is back at ${recovery.value}. Deploy again when ready.`
      : `${spec?.parameter} may hold ${spec?.version} with nothing deploying it: check hosting status, then deploy again or run hosting rollback.`,
    details: error.details,
    cause: error,
  });
}

/** What quitting at once (a second Ctrl-C) leaves behind, with the fix: one line each. */
export function describeQuit(live: ReleaseLive): string[] {
  const p = live.parameter;
  const lines: string[] = [];
  const check = `Fix: check hosting status; deploy again, or go back with hosting rollback.`;
  switch (live.phase) {
    case 'before-write':
      lines.push('Quit before the version was written: the parameter was not changed.');
      break;
    case 'writing':
      lines.push(
        `Quit while ${p} was being set to ${live.version}: it may hold it with nothing deploying it.`,
        check,
      );
      break;
    case 'written':
      lines.push(
        `Quit after ${p} was set to ${live.version}, before the infra deployment was triggered: nothing deploys it.`,
        check,
      );
      break;
    case 'triggered':
      lines.push(
        `Quit after run ${live.run?.url} was triggered to deploy ${live.version}; it was neither waited for nor cancelled.`,
        `Fix: follow the run; hosting status shows what runs.`,
      );
      break;
    case 'restoring':
      lines.push(
        `Quit while ${p} was being restored to ${live.previous}: it may still hold ${live.version}.`,
        check,
      );
      break;
    case 'restored':
      lines.push(`Quit after ${p} was restored to ${live.previous}.`);
      break;
    case 'done':
      break;
  }
  if (live.lock)
    lines.push(`The lock ${live.lock.name} is still held. Fix: remove it with ${live.lock.unlock}.`);
  return lines;
}
