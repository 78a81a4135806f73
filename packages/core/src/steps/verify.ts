import { DEPLOYED_LABEL, HISTORY_MAX } from '../domain/names.js';
import { DeploymentFailedError } from '../errors/errors.js';
import type { ParameterStore, ParameterValue, RunRef } from '../ports/ports.js';
import { done, type StepContext, type StepOutcome } from './step.js';

/** The version carrying the `deployed` label, from a history newest first; undefined when none has. */
export function labelled(history: readonly ParameterValue[]): ParameterValue | undefined {
  return history.find((h) => h.labels?.includes(DEPLOYED_LABEL));
}

/**
 * After a successful infra run, when the parameter has a `deployed` label on any version: on the
 * version this operation wrote (or found already set) it is verified; anywhere else the run rolled out
 * another version, and the deployment fails naming it. Nothing to show (undefined) without the label.
 */
export async function verify(
  input: { parameter: string; version: string; parameterVersion: number; run: RunRef },
  ports: { parameters: ParameterStore },
  ctx: StepContext,
): Promise<StepOutcome<ParameterValue> | undefined> {
  const live = labelled(await ports.parameters.history(input.parameter, HISTORY_MAX));
  if (!live) {
    ctx.reporter.emit({
      type: 'debug',
      message: `${input.parameter} has no "${DEPLOYED_LABEL}" label: the infra side does not record what it rolled out`,
      at: ctx.clock.now(),
    });
    return undefined;
  }
  if (live.version === input.parameterVersion) {
    return done(
      `verified: ${input.version} went live (parameter version ${live.version} carries the label "${DEPLOYED_LABEL}")`,
      live,
    );
  }
  throw new DeploymentFailedError(
    `The infra run ${input.run.url} succeeded, but the version that went live is ${live.value} (parameter version ${live.version} carries the label "${DEPLOYED_LABEL}"), not ${input.version} (parameter version ${input.parameterVersion}).`,
    {
      code: 'DEPLOYED_OTHER_VERSION',
      fix: `Someone changed ${input.parameter} while this deployment ran, or the infra run rolled out another version: check hosting status and hosting history, then deploy again.`,
      details: { runUrl: input.run.url, live: live.value, liveParameterVersion: live.version },
    },
  );
}
