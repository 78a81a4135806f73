import { InterruptedError } from '../errors/errors.js';
import type { ParameterStore, ParameterValue } from '../ports/ports.js';
import { readDeployed } from './read.js';
import { done, type StepContext, type StepOutcome, skipped } from './step.js';

export interface SetVersionInput {
  parameter: string;
  version: string;
  /** The provenance Description, given the value it replaces. */
  description: (current: ParameterValue | undefined) => string;
  /** Called with the value read under the lock, before anything is decided on it. */
  read: (current: ParameterValue | undefined) => void;
  /** Called just before the write is sent: from here on an interrupt finishes the release or restores. */
  writing: () => void;
}

export interface SetVersionValue {
  /** The parameter as read under the lock: what was replaced, and what a restore writes back. */
  current: ParameterValue | undefined;
  /** The parameter version written, or the current one when the value was already set. */
  parameterVersion: number;
  /** Whether this step wrote the parameter. */
  wrote: boolean;
}

/**
 * Under the lock: read the parameter's current value (the "from", the skip and what a restore would
 * write back are decided on this read, never on the preflight's), then write the version with its
 * provenance Description unless the parameter already holds it. Called only once the version's image
 * is confirmed in the registry.
 */
export async function setVersion(
  input: SetVersionInput,
  ports: { parameters: ParameterStore },
  ctx: StepContext,
): Promise<StepOutcome<SetVersionValue>> {
  const { parameter, version } = input;
  ctx.progress(`reading ${parameter}`);
  const current = await readDeployed(ports.parameters, parameter);
  input.read(current);
  if (current && current.value === version) {
    return skipped(`${parameter} is already ${version} (parameter version ${current.version})`, {
      current,
      parameterVersion: current.version,
      wrote: false,
    });
  }
  if (ctx.signal?.aborted) {
    throw new InterruptedError(`Interrupted before ${parameter} was written: nothing was changed.`, {
      fix: 'Run again when ready.',
    });
  }
  input.writing();
  ctx.progress(`${parameter}: ${current?.value ?? '(not set)'} → ${version}`);
  const written = await ports.parameters.put(parameter, version, input.description(current));
  return done(
    `${parameter}: ${current?.value ?? '(not set)'} → ${version} (parameter version ${written.version})`,
    { current, parameterVersion: written.version, wrote: true },
  );
}
