import { formatProvenance, parseProvenance } from '../domain/provenance.js';
import { PreconditionError } from '../errors/errors.js';
import type { ParameterStore, ParameterValue, Registry, RunRef } from '../ports/ports.js';
import { done, type StepContext, type StepOutcome } from './step.js';

export interface RestoreInput {
  /** ECR repository, to confirm the previous value's image is still there. */
  repository: string;
  parameter: string;
  /** The value this operation wrote. */
  version: string;
  /** The parameter version this operation wrote: restored only while the parameter is still there. */
  writtenVersion: number;
  /** The value it replaced, as read under the lock. */
  previous: ParameterValue;
  actor: string;
  runUrl: string | undefined;
}

/**
 * After a failed infra run (or an interrupt): write back the value this operation replaced, once its
 * image is confirmed in ECR, and only while the parameter is still at the version this operation wrote
 * (anyone's later write, even of the same value, is left alone). Returns the parameter version.
 */
export async function restore(
  input: RestoreInput,
  ports: { registry: Registry; parameters: ParameterStore },
  ctx: StepContext,
): Promise<StepOutcome<number>> {
  const { previous, parameter, version } = input;
  ctx.progress(`checking that ${input.repository}:${previous.value} is still in the registry`);
  const image = await ports.registry.findImage(input.repository, previous.value);
  if (!image) {
    throw new PreconditionError(
      'IMAGE_EXPIRED',
      `Cannot restore ${previous.value}: its image ${input.repository}:${previous.value} is no longer in ECR (a lifecycle rule may have expired it). The parameter still holds ${version}.`,
      { fix: 'Deploy a version whose image exists (hosting history lists them), or deploy a fix.' },
    );
  }
  const now = await ports.parameters.get(parameter);
  if (!now || now.version !== input.writtenVersion) {
    const what = now
      ? `holds ${now.value} (parameter version ${now.version}${now.lastModifiedUser ? `, by ${now.lastModifiedUser}` : ''})`
      : 'no longer exists';
    throw new PreconditionError(
      'PARAMETER_CHANGED',
      `Not restoring ${previous.value}: someone changed ${parameter} since this operation wrote ${version} (parameter version ${input.writtenVersion}); it now ${what}. Left as it is.`,
      { fix: 'Check hosting status and hosting history before changing anything.' },
    );
  }
  // SSM GetParameter has no Description: find the previous value's provenance in the history.
  const description =
    previous.description ??
    (await ports.parameters.history(parameter, 10)).find((h) => h.version === previous.version)?.description;
  const written = await ports.parameters.put(
    parameter,
    previous.value,
    formatProvenance({
      action: 'rollback',
      version: previous.value,
      commit: parseProvenance(description)?.commit,
      digest: image.digest,
      from: version,
      actor: input.actor,
      run: input.runUrl,
    }),
  );
  // Read back: a restore is said to be done only once SSM shows it.
  const back = await ports.parameters.get(parameter);
  if (!back || back.value !== previous.value || back.version !== written.version) {
    throw new PreconditionError(
      'PARAMETER_CHANGED',
      `${parameter} was written back to ${previous.value} (parameter version ${written.version}), but reading it back found ${back ? `${back.value} (parameter version ${back.version})` : 'no parameter'}: someone changed it since. Left as it is.`,
      { fix: 'Check hosting status and hosting history before changing anything.' },
    );
  }
  return done(
    `${parameter}: ${version} → ${previous.value} restored and read back (parameter version ${written.version})`,
    written.version,
  );
}

/** The parameter restored after a failed infra run, and the optional second run. */
export interface RecoveryResult {
  /** Whether the previous value was written back. */
  restored: boolean;
  /** The value restored (or that could not be). */
  value: string | undefined;
  parameterVersion: number | undefined;
  /** One line: what was done, or why nothing was. */
  summary: string;
  /** The infra run triggered for the restored version (redeployOnRollback). */
  run: RunRef | undefined;
  conclusion: string | undefined;
  /** When the previous value could not be put back: what this operation left, and how to undo it. */
  left?: LeftBehind | undefined;
}

/** The value a failed restore left in the parameter, and the command that puts the previous one back. */
export interface LeftBehind {
  value: string;
  parameterVersion: number;
  /** The value to put back (undefined: the parameter did not exist before). */
  previous: string | undefined;
  undo: string;
}
