import { InputError } from '../errors/errors.js';
import type { OperationPorts } from '../ports/bundles.js';
import type { ExecuteOptions } from './ports.js';
import type { ReleaseResult } from './result.js';
import { StepRunner, unwrap } from './runner.js';

/** The error when no GitHub token is available and the operation must trigger the infra deployment. */
export function missingTokenError(
  tokenInput: string | undefined,
  noTriggerInput = 'hosting deploy --no-trigger',
): InputError {
  const input = tokenInput ?? 'github-token';
  return new InputError(
    input,
    `A GitHub token is required to trigger the infra deployment, and none was given (${input}, GITHUB_TOKEN or GH_TOKEN).`,
    `Nothing was changed. Provide a token that may run workflows in the infra repository (a GitHub App, or a fine-grained token with Actions: write); or, to only set the version without deploying it, ask for that explicitly (${noTriggerInput}).`,
  );
}

/**
 * Run the body of a deploy, rollback or promote: without a GitHub token refuse before any side effect
 * (unless a dry run, or `trigger: false`, which only sets the version), else run the body with a step runner over the
 * result's records. Never throws: a failure sets the result's error.
 */
export async function runOperation<R extends ReleaseResult>(
  result: R,
  ports: OperationPorts,
  options: ExecuteOptions,
  body: (steps: StepRunner) => Promise<void>,
): Promise<R> {
  if (!ports.workflows && !options.dryRun && options.trigger !== false) {
    result.error = missingTokenError(options.tokenInput, options.noTriggerInput);
    return result;
  }
  try {
    await body(new StepRunner(ports.clock, ports.reporter, result.steps, options.signal));
    result.status = 'succeeded';
  } catch (thrown) {
    result.error = unwrap(thrown);
  }
  return result;
}
