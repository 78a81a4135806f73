import type { InfraWorkflows, ParameterStore, ParameterValue, WorkflowTarget } from '../ports/ports.js';

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

/** The read-only workflow check of a preflight (repository, workflow, ref, permission). */
export async function checkWorkflow(
  workflows: InfraWorkflows,
  wf: WorkflowTarget,
  progress: (message: string) => void,
): Promise<void> {
  progress(`workflow ${wf.owner}/${wf.repo}/${wf.workflow}@${wf.ref}`);
  await workflows.preflight(wf);
}
