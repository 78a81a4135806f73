import type { ParameterStore, ParameterValue } from '../ports.js';
import { done, type StepOutcome, skipped } from '../run/runner.js';

/**
 * Write the version into the SSM parameter (with its provenance Description), unless it already holds
 * it. Called only once the version's image is confirmed in the registry. Returns the parameter version.
 */
export async function setVersion(
  input: { parameter: string; version: string; current: ParameterValue | undefined; description: string },
  ports: { parameters: ParameterStore },
): Promise<StepOutcome<number>> {
  const { parameter, version, current } = input;
  if (current && current.value === version) {
    return skipped(
      `${parameter} is already ${version} (parameter version ${current.version})`,
      current.version,
    );
  }
  const written = await ports.parameters.put(parameter, version, input.description);
  return done(
    `${parameter}: ${current?.value ?? '(not set)'} → ${version} (parameter version ${written.version})`,
    written.version,
  );
}
