import { RemoteError } from '../errors/errors.js';
import type { Registry } from '../ports/ports.js';
import { done, type StepContext, type StepOutcome } from './step.js';

/**
 * Give an image already in the registry another tag (BatchGetImage + PutImage), and confirm the tag
 * points at that digest before the parameter may name it. Promote's `tag` step.
 */
export async function retag(
  input: { repository: string; digest: string; version: string; reference: string },
  ports: { registry: Registry },
  ctx: StepContext,
): Promise<StepOutcome<undefined>> {
  const { registry } = ports;
  ctx.progress(`tagging ${input.digest} as ${input.version}`);
  const tagged = await registry.tagImage(input.repository, input.digest, input.version);
  const confirmed = await registry.findImage(input.repository, input.version);
  if (!confirmed || confirmed.digest !== input.digest) {
    throw new RemoteError(
      'ecr',
      'TAG_NOT_CONFIRMED',
      `Tagging ${input.digest} as ${input.repository}:${input.version} reported success, but the registry does not list that tag on that image.`,
      { fix: 'Check the ECR repository, then run again; the parameter was not changed.' },
    );
  }
  return done(`${input.reference}@${tagged.digest}`, undefined);
}
