import type { WaitUntil } from '../../plan/rollout.js';
import type { ParameterStore } from '../../ports.js';
import type { StepContext } from '../../run/runner.js';
import { done, type StepOutcome, skipped } from '../../run/runner.js';

/** The SSM label the infra side moves to the parameter version it rolled out (design.md). */
export const DEPLOYED_LABEL = 'deployed';

/**
 * The label beside `deployed` that says at which stage the rollout that moved it returned: `complete`
 * (the service deployment succeeded) or `traffic-shifted` (production traffic moved, the bake had begun).
 * Both move with their version like any SSM label; where a version carries both, `complete` came later.
 */
export const STAGE_LABELS: Record<WaitUntil, string> = {
  complete: 'complete',
  'traffic-shifted': 'traffic-shifted',
};

/** The stage a version's labels record: undefined for versions labelled before stages were recorded. */
export function deployedStage(labels: readonly string[] | undefined): WaitUntil | undefined {
  if (!labels?.includes(DEPLOYED_LABEL)) return undefined;
  if (labels.includes(STAGE_LABELS.complete)) return 'complete';
  if (labels.includes(STAGE_LABELS['traffic-shifted'])) return 'traffic-shifted';
  return undefined;
}

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
