import type { StepId } from '../events.js';
import { missingTokenError } from './deploy.js';
import type { OperationOptions, OperationPorts } from './ports.js';
import { AFTER_FAILURE, finishRelease, type ReleaseState } from './release.js';
import type { DeployResult } from './result.js';
import { runPlan, StepRunner, type StepTable } from './runner.js';

/**
 * Run a rollback's or promote's plan: refuse without a GitHub token (unless a dry run), run only the
 * preflight for a dry run, else every step; then release the lock. Never throws: a failure sets the
 * result's error.
 */
export async function runOperation<R extends DeployResult>(
  state: ReleaseState & { result: R },
  steps: readonly StepId[],
  table: StepTable,
  ports: OperationPorts,
  options: OperationOptions,
): Promise<R> {
  const { result } = state;
  if (!ports.workflows && !options.dryRun) {
    result.error = missingTokenError(options.tokenInput);
    return result;
  }
  const runner = new StepRunner(ports.clock, ports.reporter, result.steps, options.signal);
  const planned = options.dryRun ? steps.filter((s) => s === 'preflight') : steps;
  result.error = await finishRelease(state, await runPlan(planned, table, runner, AFTER_FAILURE));
  if (!result.error) result.status = 'succeeded';
  return result;
}
