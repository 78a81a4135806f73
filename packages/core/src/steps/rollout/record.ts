import { DEPLOYED_LABEL, deployedStage, STAGE_LABELS, type WaitUntil } from '../../domain/names.js';
import type { ParameterStore } from '../../ports/ports.js';
import type { StepContext } from '../step.js';
import { done, type StepOutcome, skipped } from '../step.js';

export interface RecordInput {
  parameter: string;
  value: string;
  parameterVersion: number;
  /** The stage the wait returned at. */
  stage: WaitUntil;
}

export interface Recorded {
  /** The parameter version the label was on before, when it was on one. */
  previousVersion: number | undefined;
}

/** record: move the labels `deployed` and the stage to the parameter version rolled out (no-op when there). */
export async function recordDeployed(
  input: RecordInput,
  ports: { parameters: ParameterStore },
  ctx: StepContext,
): Promise<StepOutcome<Recorded>> {
  const labels = [DEPLOYED_LABEL, STAGE_LABELS[input.stage]];
  ctx.progress(
    `labelling ${input.parameter} version ${input.parameterVersion} ${labels.map((l) => `"${l}"`).join(' and ')}`,
  );
  const history = await ports.parameters.history(input.parameter, 100);
  const labelled = history.find((h) => h.labels?.includes(DEPLOYED_LABEL));
  if (labelled?.version === input.parameterVersion && deployedStage(labelled.labels) === input.stage) {
    return skipped(
      `"${DEPLOYED_LABEL}" is already on ${input.parameter} version ${input.parameterVersion} (${input.value}, ${input.stage})`,
      { previousVersion: labelled.version },
    );
  }
  await ports.parameters.label(input.parameter, input.parameterVersion, labels);
  return done(
    `"${DEPLOYED_LABEL}" → ${input.parameter} version ${input.parameterVersion} (${input.value}) at stage ${input.stage}${labelled && labelled.version !== input.parameterVersion ? `, was on version ${labelled.version}` : ''}`,
    { previousVersion: labelled?.version },
  );
}
