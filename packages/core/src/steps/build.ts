import type { DeployPlan } from '../plan/deploy.js';
import type { ImageBuilder } from '../ports.js';
import { done, type StepContext, type StepOutcome } from '../run/runner.js';

/** Build the image from the plan's context and Dockerfile, tagged `image`. */
export async function build(
  input: { build: DeployPlan['build']; image: string },
  ports: { builder: ImageBuilder },
  ctx: StepContext,
): Promise<StepOutcome<ImageBuilder>> {
  const { builder } = ports;
  ctx.progress(`building with ${builder.name}`);
  const { build: b } = input;
  await builder.build(
    {
      context: b.context,
      dockerfile: b.dockerfile,
      tags: [input.image],
      labels: b.labels,
      buildArgs: b.buildArgs,
      target: b.target,
      platform: b.platform,
    },
    ctx.log,
    ctx.signal,
  );
  return done(`built with ${builder.name}`, builder);
}
