import { toHostingError } from '../errors.js';
import {
  type DeployPorts,
  type DeployResult,
  missingTokenError,
  StepFailure,
  StepRunner,
} from '../execute.js';
import type { InfraWorkflows, ParameterStore, ParameterValue, WorkflowTarget } from '../ports.js';
import type { ReleaseTarget } from './plan.js';

/** The ports an operation uses: no builder, so a rollback or promote cannot build by construction. */
export type OperationPorts = Omit<DeployPorts, 'builder'>;

export interface OperationOptions {
  /** Run the read-only preflight and report what would happen; change nothing. */
  dryRun?: boolean | undefined;
  signal?: AbortSignal | undefined;
  /** How the GitHub token input is called, for the error when it is missing. */
  tokenInput?: string | undefined;
}

/** A DeployResult for an operation, before any step ran. */
export function newResult(target: ReleaseTarget, version: string, dryRun: boolean): DeployResult {
  return {
    status: 'failed',
    dryRun,
    error: undefined,
    application: target.application,
    environment: target.environment,
    version,
    image: undefined,
    digest: undefined,
    imageExisted: true,
    builder: undefined,
    parameterName: target.parameter,
    parameterVersion: undefined,
    previousValue: undefined,
    run: undefined,
    conclusion: undefined,
    failedJobs: [],
    steps: [],
  };
}

/**
 * Run an operation's steps into `result`; never throws: a failure sets status and error.
 * `body` gets the step runner and the workflows port (required unless dry run).
 */
export async function runSteps<
  R extends { status: 'succeeded' | 'failed'; error: unknown; steps: DeployResult['steps'] },
>(
  result: R,
  ports: OperationPorts,
  options: OperationOptions,
  body: (steps: StepRunner, workflows: InfraWorkflows | undefined) => Promise<void>,
): Promise<R> {
  const steps = new StepRunner(ports.clock, ports.reporter, result.steps, options.signal);
  try {
    if (!ports.workflows && !options.dryRun) throw new StepFailure(missingTokenError(options.tokenInput));
    await body(steps, ports.workflows);
  } catch (thrown) {
    result.error = thrown instanceof StepFailure ? thrown.error : toHostingError(thrown);
    result.status = 'failed';
  }
  return result;
}

/** The read-only workflow check of the preflight (repository, workflow, ref, permission). */
export async function checkWorkflow(
  workflows: InfraWorkflows,
  wf: WorkflowTarget,
  progress: (message: string) => void,
): Promise<void> {
  progress(`workflow ${wf.owner}/${wf.repo}/${wf.workflow}@${wf.ref}`);
  await workflows.preflight(wf);
}

/**
 * The parameter's current value with its Description (the provenance). SSM GetParameter does not
 * return the Description; GetParameterHistory does, so this reads the newest history entry.
 */
export async function readDeployed(
  parameters: ParameterStore,
  name: string,
): Promise<ParameterValue | undefined> {
  const [latest] = await parameters.history(name, 1);
  return latest;
}
