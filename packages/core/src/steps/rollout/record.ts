import { DEPLOYED_LABEL } from '../../domain/names.js';
import type { ParameterStore } from '../../ports/ports.js';
import type { StepContext } from '../step.js';
import { done, type StepOutcome, skipped } from '../step.js';

export interface RecordInput {
  parameter: string;
  value: string;
  parameterVersion: number;
}

export interface Recorded {
  /** The parameter version the label was on before, when it was on one. */
  previousVersion: number | undefined;
}

/** record: move the label `deployed` to the parameter version rolled out (a no-op when it is already there). */
export async function recordDeployed(
  input: RecordInput,
  ports: { parameters: ParameterStore },
  ctx: StepContext,
): Promise<StepOutcome<Recorded>> {
  ctx.progress(`labelling ${input.parameter} version ${input.parameterVersion} "${DEPLOYED_LABEL}"`);
  const history = await ports.parameters.history(input.parameter, 100);
  const labelled = history.find((h) => h.labels?.includes(DEPLOYED_LABEL));
  if (labelled?.version === input.parameterVersion) {
    return skipped(
      `"${DEPLOYED_LABEL}" is already on ${input.parameter} version ${input.parameterVersion} (${input.value})`,
      { previousVersion: labelled.version },
    );
  }
  await ports.parameters.label(input.parameter, input.parameterVersion, [DEPLOYED_LABEL]);
  return done(
    `"${DEPLOYED_LABEL}" → ${input.parameter} version ${input.parameterVersion} (${input.value})${labelled ? `, was on version ${labelled.version}` : ''}`,
    { previousVersion: labelled?.version },
  );
}
