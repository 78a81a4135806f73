import type { InfraWorkflows, RunRef, WorkflowTarget } from '../ports/ports.js';
import { done, type StepContext, type StepOutcome } from './step.js';

/** Dispatch the infra workflow and identify exactly the run it created. */
export async function trigger(
  input: { workflow: WorkflowTarget },
  ports: { workflows: InfraWorkflows },
  ctx: StepContext,
): Promise<StepOutcome<RunRef>> {
  const { workflow } = input;
  ctx.progress(`dispatching ${workflow.workflow} in ${workflow.owner}/${workflow.repo}@${workflow.ref}`);
  const run = await ports.workflows.dispatch(workflow);
  ctx.reporter.emit({ type: 'run-dispatched', run, at: ctx.clock.now() });
  return done(`run ${run.id}: ${run.url}`, run);
}
