import { PreconditionError, TimeoutError } from '../errors.js';
import { formatDuration } from '../inputs.js';
import type { InfraWorkflows, RunSummary, WorkflowTarget } from '../ports.js';
import { done, type StepContext, type StepOutcome } from '../run/runner.js';

/**
 * Before writing the parameter: look for runs of the infra workflow for the same application and
 * environment that are queued or in progress (anyone's, not only this repository's). Wait for them
 * to complete (never cancelling them), or refuse. Nothing to do (undefined) when there is none.
 */
export async function lock(
  input: { workflow: WorkflowTarget; timeoutMs: number; waitForLock: boolean },
  ports: { workflows: InfraWorkflows },
  ctx: StepContext,
): Promise<StepOutcome<undefined> | undefined> {
  const { workflow } = input;
  const active = await ports.workflows.activeRuns(workflow);
  const first = active[0];
  if (!first) {
    ctx.reporter.emit({ type: 'debug', message: 'no infra deployment in progress', at: ctx.clock.now() });
    return undefined;
  }
  const what = `${workflow.inputs.application ?? ''}/${workflow.inputs.environment ?? ''}`;
  if (!input.waitForLock) {
    throw new PreconditionError(
      'DEPLOYMENT_IN_PROGRESS',
      `A deployment of ${what} is already ${first.status.replace('_', ' ')}: ${first.run.url}`,
      {
        fix: 'Nothing was changed. Run again when it has finished, or let the command wait for it (the default: CLI --wait-for-lock, Action wait-for-lock: true).',
        details: { runUrl: first.run.url, runId: first.run.id },
      },
    );
  }
  const waited = await waitForRuns({ ...input, what, active }, ports, ctx);
  return done(
    `waited for ${waited.map((id) => `run ${id}`).join(', ')} to finish: ${first.run.url}`,
    undefined,
  );
}

/** Wait for each active run, then for any that started meanwhile, until none is left. */
async function waitForRuns(
  input: { workflow: WorkflowTarget; timeoutMs: number; what: string; active: RunSummary[] },
  ports: { workflows: InfraWorkflows },
  ctx: StepContext,
): Promise<number[]> {
  const deadline = ctx.clock.now() + input.timeoutMs;
  const waited: number[] = [];
  let runs = input.active;
  while (runs.length > 0) {
    for (const other of runs) {
      ctx.progress(`waiting for run ${other.run.id} (${other.status.replace('_', ' ')}): ${other.run.url}`);
      await waitForOne(other, deadline - ctx.clock.now(), input, ports, ctx);
      waited.push(other.run.id);
    }
    runs = (await ports.workflows.activeRuns(input.workflow)).filter((r) => !waited.includes(r.run.id));
  }
  return waited;
}

async function waitForOne(
  other: RunSummary,
  remaining: number,
  input: { timeoutMs: number; what: string },
  ports: { workflows: InfraWorkflows },
  ctx: StepContext,
): Promise<void> {
  try {
    if (remaining <= 0) throw new TimeoutError('lock wait exhausted');
    await ports.workflows.wait(other.run, {
      timeoutMs: remaining,
      signal: ctx.signal,
      cancelOnTimeout: false,
      cancelOnInterrupt: false,
    });
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    throw new TimeoutError(
      `Timed out after ${formatDuration(input.timeoutMs)} waiting for the deployment of ${input.what} in progress: ${other.run.url}`,
      {
        fix: 'Nothing was changed. Run again once that run has finished, or raise --timeout.',
        details: { runUrl: other.run.url },
        cause: error,
      },
    );
  }
}
