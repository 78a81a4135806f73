import type { WaitPlan } from '../plan/release.js';
import type { InfraWorkflows, RunRef, RunResult } from '../ports/ports.js';
import { done, type StepContext, type StepOutcome } from './step.js';

/** Follow the infra run to its end (TimeoutError after `timeoutMs`, InterruptedError on abort). */
export async function waitForRun(
  input: { run: RunRef; wait: WaitPlan },
  ports: { workflows: InfraWorkflows },
  ctx: StepContext,
): Promise<StepOutcome<RunResult>> {
  const { run, wait } = input;
  const result = await ports.workflows.wait(run, {
    timeoutMs: wait.timeoutMs,
    signal: ctx.signal,
    cancelOnTimeout: wait.cancelOnTimeout,
    cancelOnInterrupt: wait.cancelOnInterrupt,
    onUpdate: (update) => ctx.reporter.emit({ type: 'run-update', update, at: ctx.clock.now() }),
  });
  return done(`run ${run.id} completed: ${result.conclusion}`, result);
}
