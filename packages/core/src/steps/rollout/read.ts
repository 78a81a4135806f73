import { PreconditionError } from '../../errors/errors.js';
import { TAG_PATTERN } from '../../inputs/inputs.js';
import type { ParameterStore } from '../../ports/ports.js';
import type { StepContext } from '../step.js';
import { done, type StepOutcome } from '../step.js';

export interface ReadInput {
  application: string;
  environment: string;
  parameter: string;
}

export interface VersionRead {
  /** The version (image tag) to roll out. */
  value: string;
  /** The SSM parameter version holding it: the one the `deployed` label moves to. */
  parameterVersion: number;
}

/** read: GetParameter of the version parameter, its value and parameter version. */
export async function readVersion(
  input: ReadInput,
  ports: { parameters: ParameterStore },
  ctx: StepContext,
): Promise<StepOutcome<VersionRead>> {
  ctx.progress(`reading ${input.parameter}`);
  const found = await ports.parameters.get(input.parameter);
  if (!found) {
    throw new PreconditionError(
      'VERSION_NOT_SET',
      `The SSM parameter ${input.parameter} does not exist: no version of ${input.application} was ever set for ${input.environment}.`,
      {
        fix: `Deploy from the application repository first (hosting deploy sets it), or fix "parameter:" in the App spec. Nothing was changed.`,
        details: { parameter: input.parameter },
      },
    );
  }
  if (!TAG_PATTERN.test(found.value)) {
    throw new PreconditionError(
      'VERSION_INVALID',
      `The SSM parameter ${input.parameter} holds "${found.value.slice(0, 80)}", which is not an image tag.`,
      {
        fix: 'Set it to a version deployed from the application repository (hosting deploy, hosting rollback). Nothing was changed.',
        details: { parameter: input.parameter, parameterVersion: found.version },
      },
    );
  }
  return done(`${input.parameter} = ${found.value} (parameter version ${found.version})`, {
    value: found.value,
    parameterVersion: found.version,
  });
}
