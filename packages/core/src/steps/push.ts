import { RemoteError } from '../errors/errors.js';
import type { ImageBuilder, Registry, RegistryAuth } from '../ports/ports.js';
import { done, type StepContext, type StepOutcome } from './step.js';

/**
 * Push the image with the builder, then confirm the tag in the registry (DescribeImages) before the
 * parameter may point at it. Returns the registry's digest.
 */
export async function push(
  input: { image: string; repository: string; tag: string; auth: RegistryAuth },
  ports: { builder: ImageBuilder; registry: Registry },
  ctx: StepContext,
): Promise<StepOutcome<string>> {
  const { auth } = input;
  ctx.progress(`pushing to ${auth.registry}${auth.insecure ? ' (plain http, TLS verification off)' : ''}`);
  const pushed = await ports.builder.push({ image: input.image, auth }, ctx.log, ctx.signal);
  ctx.progress('confirming the image in the registry');
  const confirmed = await ports.registry.findImage(input.repository, input.tag);
  if (!confirmed) {
    throw new RemoteError(
      'ecr',
      'PUSH_NOT_CONFIRMED',
      `The push of ${input.image} reported success, but the registry does not list that tag.`,
      {
        fix: 'Check the registry and the ECR repository policy, then run again; the parameter was not changed.',
      },
    );
  }
  if (confirmed.digest !== pushed.digest) {
    ctx.reporter.emit({
      type: 'warning',
      message: `The builder reported digest ${pushed.digest}, the registry ${confirmed.digest}; recording the registry's.`,
      at: ctx.clock.now(),
    });
  }
  return done(`${input.image}@${confirmed.digest}`, confirmed.digest);
}
