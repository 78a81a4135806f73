import { DeploymentFailedError } from '../errors/errors.js';
import { formatDuration } from '../inputs/inputs.js';
import type { RunResult } from '../ports/ports.js';
import type { RecoveryResult } from './restore.js';
import { done, type StepOutcome } from './step.js';

/** Describe why a run failed: each failed job and step, and the run link. */
function describeFailure(result: RunResult): string {
  const lines = [`The infra deployment finished with conclusion "${result.conclusion}": ${result.run.url}`];
  for (const job of result.failedJobs) {
    lines.push(
      `  job "${job.name}" ${job.conclusion}${job.step ? ` at step "${job.step}"` : ''}${job.url ? `: ${job.url}` : ''}`,
    );
    if (job.logTail && job.logTail.length > 0) {
      lines.push(`    last lines of its log:`, ...job.logTail.map((line) => `    │ ${line}`));
    }
  }
  return lines.join('\n');
}

/**
 * Success only for conclusion `success`; every other conclusion fails, naming the failed jobs and
 * steps, linking the run, and saying what the recovery did.
 */
export async function report(input: {
  outcome: RunResult;
  recovery: RecoveryResult | undefined;
  success: string;
  elapsedMs: number;
}): Promise<StepOutcome<undefined>> {
  const { outcome, recovery } = input;
  if (outcome.conclusion !== 'success') {
    const lines = [describeFailure(outcome)];
    if (recovery) lines.push(recovery.summary);
    throw new DeploymentFailedError(lines.join('\n'), {
      fix: recovery?.restored
        ? `Open the run to see why it failed; the parameter was restored to ${recovery.value}.`
        : 'Open the run to see why it failed; the parameter now points at the new version.',
      details: { runUrl: outcome.run.url, conclusion: outcome.conclusion },
    });
  }
  return done(`${input.success} (${formatDuration(input.elapsedMs)})`, undefined);
}
