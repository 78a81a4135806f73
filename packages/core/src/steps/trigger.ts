import type { HostingError } from '../errors/errors.js';
import type { InfraWorkflows, RunRef, WorkflowTarget } from '../ports/ports.js';
import { done, type StepContext, type StepOutcome } from './step.js';

/**
 * Dispatch the infra workflow and identify exactly the run it created. When the dispatch fails without a
 * clear answer (5xx, timeouts, a cut connection: GitHub may have accepted it), find out: a run of the
 * workflow in flight now (the lock step waited for the ones before) is the dispatch's, and is taken as
 * this step's run. Otherwise the failure is thrown, with `details.dispatched` saying what was found out:
 * `no` (GitHub refused, or no run appeared), `unknown` (GitHub could not be asked) or `yes` (GitHub
 * accepted it, but its run could not be found to follow).
 */
export async function trigger(
  input: { workflow: WorkflowTarget },
  ports: { workflows: InfraWorkflows },
  ctx: StepContext,
): Promise<StepOutcome<RunRef>> {
  const { workflow } = input;
  ctx.progress(`dispatching ${workflow.workflow} in ${workflow.owner}/${workflow.repo}@${workflow.ref}`);
  let run: RunRef;
  let note = '';
  try {
    run = await ports.workflows.dispatch(workflow);
  } catch (thrown) {
    const failure = thrown as HostingError;
    if (!unclear(failure)) throw markDispatched(failure, 'no');
    ctx.progress('the dispatch got no clear answer: looking for a run it may have started');
    const inFlight = await ports.workflows.activeRuns(workflow).catch(() => undefined);
    const found = inFlight?.[0];
    // Accepted by GitHub (its run not found): dispatched whatever the list says now.
    if (!found && failure.details.dispatched === 'yes') throw failure;
    if (!found) throw markDispatched(failure, inFlight ? 'no' : 'unknown');
    run = found.run;
    note = ` (the dispatch got no clear answer, ${failure.message.replace(/\.$/, '')}; this run of ${workflow.workflow} started meanwhile)`;
  }
  ctx.reporter.emit({ type: 'run-dispatched', run, at: ctx.clock.now() });
  return done(`run ${run.id}: ${run.url}${note}`, run);
}

/** A failure after which GitHub may still have created the run: no answer, a 5xx, a timeout. */
function unclear(error: HostingError): boolean {
  if (error?.kind === 'timeout') return true;
  return (
    error?.kind === 'remote' && error.code !== 'DISPATCH_REJECTED' && error.code !== 'GITHUB_RATE_LIMITED'
  );
}

function markDispatched(error: HostingError, dispatched: 'no' | 'unknown'): HostingError {
  if (error?.details) error.details.dispatched = dispatched;
  return error;
}
