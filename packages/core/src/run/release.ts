import type { HostingError } from '../errors.js';
import type { StepId } from '../events.js';
import type { DeployPlan } from '../plan/deploy.js';
import type { InfraWorkflows, ParameterValue, RunResult, WorkflowTarget } from '../ports.js';
import { lock } from '../steps/lock.js';
import { report } from '../steps/report.js';
import { restore } from '../steps/restore.js';
import { setVersion } from '../steps/set-version.js';
import { trigger } from '../steps/trigger.js';
import { waitForRun } from '../steps/wait.js';
import type { OperationPorts, ReleaseOptions } from './ports.js';
import type { DeployResult, RecoveryResult } from './result.js';
import { type StepRunner, type StepTable, unwrap } from './runner.js';

/** The release tail every operation that changes a deployment ends with, in order. */
export const RELEASE_STEPS = ['lock', 'set-version', 'trigger', 'wait', 'rollback', 'report'] as const;
/** Steps that run even after an earlier one failed: the restore after a timed-out, cancelled wait. */
export const AFTER_FAILURE: ReadonlySet<StepId> = new Set(['rollback']);

/** What the release writes and triggers, known once the operation's preflight has run. */
export interface ReleaseSpec {
  /** What success means, for the report step, e.g. "hello-app v2 deployed to staging". */
  success: string;
  /** ECR repository, to confirm the image of a value before writing it back on recovery. */
  repository: string;
  parameter: string;
  /** The value to write. The caller has confirmed its image is in the registry. */
  version: string;
  /** The parameter as read in the preflight. */
  current: ParameterValue | undefined;
  /** The provenance Description to write with the value. */
  description: string;
  workflow: WorkflowTarget;
  wait: DeployPlan['wait'];
  /** Who and from where, for the provenance of a recovery. */
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
}

const NO_TOKEN = 'no GitHub token: the infra deployment was not triggered';

/**
 * Lock, set the version, trigger, wait, restore and report, as bound steps filling in `state.result`.
 * The parameter is written only by `set-version` and `rollback`, each after the value's image is confirmed.
 */
export function releaseSteps(state: ReleaseState): StepTable {
  const spec = () => {
    if (!state.spec) throw new Error('The release ran before the preflight.');
    return state.spec;
  };
  const { ports, result } = state;
  const workflows = ports.workflows;
  return {
    lock: async (steps) => {
      if (!workflows) return;
      const s = spec();
      const input = {
        workflow: s.workflow,
        timeoutMs: s.wait.timeoutMs,
        waitForLock: state.options.waitForLock ?? true,
      };
      await steps.runOptional('lock', (ctx) => lock(input, { workflows }, ctx));
    },
    'set-version': async (steps) => {
      const s = spec();
      result.parameterVersion = await steps.run('set-version', async () => setVersion(s, ports));
    },
    trigger: async (steps) => {
      if (!workflows) {
        steps.skip(
          'trigger',
          `${NO_TOKEN}; trigger it in the infra repository, or deploy again with GITHUB_TOKEN set`,
        );
        return;
      }
      const workflow = spec().workflow;
      result.run = await steps.run('trigger', (ctx) => trigger({ workflow }, { workflows }, ctx));
    },
    wait: async (steps) => waitStep(state, steps, spec()),
    rollback: async (steps, failure) => {
      if (!workflows || !needsRestore(state, spec(), failure)) return;
      result.recovery = await recover(state, { steps, workflows, spec: spec() });
    },
    report: async (steps) => reportStep(state, steps, spec()),
  };
}

async function waitStep(state: ReleaseState, steps: StepRunner, spec: ReleaseSpec): Promise<void> {
  const { result } = state;
  const workflows = state.ports.workflows;
  if (!workflows || !result.run) return steps.skip('wait', NO_TOKEN);
  const run = result.run;
  if (!spec.wait.enabled) return steps.skip('wait', `not waiting: follow the run at ${run.url}`);
  const outcome = await steps.run('wait', (ctx) => waitForRun({ run, wait: spec.wait }, { workflows }, ctx));
  state.outcome = outcome;
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
  const input = { outcome, recovery: state.result.recovery, success: spec.success, elapsedMs };
  await steps.run('report', async () => report(input));
}

/** Restore after a failed run, or after a wait that timed out and cancelled the run (it deployed nothing). */
function needsRestore(state: ReleaseState, spec: ReleaseSpec, failure: HostingError | undefined): boolean {
  if (!state.options.rollbackOnFailure) return false;
  if (failure) return failure.code === 'WAIT_TIMEOUT' && spec.wait.cancelOnTimeout;
  return state.outcome !== undefined && state.outcome.conclusion !== 'success';
}

/**
 * Write the parameter's previous value back (step `rollback`), and with redeployOnRollback trigger the
 * infra deployment again and wait. Never throws: a failed recovery is reported as a failed step and in
 * the summary, and the original failure stays the result's error.
 */
async function recover(
  state: ReleaseState,
  ctx: { steps: StepRunner; workflows: InfraWorkflows; spec: ReleaseSpec },
): Promise<RecoveryResult> {
  const { steps, workflows, spec } = ctx;
  const previous = spec.current;
  const recovery: RecoveryResult = {
    restored: false,
    value: previous?.value,
    parameterVersion: undefined,
    summary: '',
    run: undefined,
    conclusion: undefined,
  };
  if (!previous || previous.value === spec.version) {
    recovery.summary = !previous
      ? `The parameter ${spec.parameter} did not exist before: there is no previous value to restore.`
      : `The parameter ${spec.parameter} was not changed (it already held ${spec.version}): nothing to restore.`;
    steps.skip('rollback', recovery.summary);
    return recovery;
  }
  try {
    const input = { ...spec, previous };
    recovery.parameterVersion = await steps.run('rollback', (c) => restore(input, state.ports, c));
    recovery.restored = true;
    recovery.summary = `The parameter ${spec.parameter} was restored to ${previous.value} (parameter version ${recovery.parameterVersion}).`;
  } catch (thrown) {
    recovery.summary = `The previous value was not restored: ${unwrap(thrown).message}`;
    return recovery;
  }
  if (!state.options.redeployOnRollback) {
    recovery.summary += ' The infra deployment was not triggered again (redeploy on rollback is off).';
    return recovery;
  }
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
