import { InputError } from '../errors/errors.js';
import type { OperationPorts } from '../ports/bundles.js';
import type { StepId } from '../ports/events.js';
import type { ExecuteOptions } from './ports.js';
import { AFTER_FAILURE, finishRelease, type ReleaseState } from './release.js';
import type { DeployResult } from './result.js';
import { runPlan, StepRunner, type StepTable } from './runner.js';

/** The error when no GitHub token is available and the operation must trigger the infra deployment. */
export function missingTokenError(tokenInput: string | undefined): InputError {
  const input = tokenInput ?? 'github-token';
  return new InputError(
    input,
    `A GitHub token is required to trigger the infra deployment, and none was given (${input}, GITHUB_TOKEN or GH_TOKEN).`,
    'Provide a token that may run workflows in the infra repository: a GitHub App token or a fine-grained token with Actions: write.',
  );
}

function warnNoToken(ports: OperationPorts, tokenInput: string | undefined): void {
  ports.reporter.emit({
    type: 'warning',
    title: 'No GitHub token',
    message: `No GitHub token was found (${tokenInput ?? 'github-token'}, GITHUB_TOKEN, GH_TOKEN or a logged-in gh CLI): the image will be built and pushed and the version set, but the infra deployment will not be triggered.`,
    at: ports.clock.now(),
  });
}

/**
 * Run a deploy's, rollback's or promote's plan: without a GitHub token refuse (unless a dry run, or
 * `allowMissingToken`, which warns and goes on), run only the preflight for a dry run, else every
 * step; then release the lock. Never throws: a failure sets the result's error.
 */
export async function runOperation<R extends DeployResult>(
  state: ReleaseState & { result: R },
  steps: readonly StepId[],
  table: StepTable,
  ports: OperationPorts,
  options: ExecuteOptions,
): Promise<R> {
  const { result } = state;
  if (!ports.workflows && !options.dryRun) {
    if (!options.allowMissingToken) {
      result.error = missingTokenError(options.tokenInput);
      return result;
    }
    warnNoToken(ports, options.tokenInput);
  }
  const runner = new StepRunner(ports.clock, ports.reporter, result.steps, options.signal);
  const planned = options.dryRun ? steps.filter((s) => s === 'preflight') : steps;
  result.error = await finishRelease(state, await runPlan(planned, table, runner, AFTER_FAILURE));
  if (!result.error) result.status = 'succeeded';
  return result;
}
