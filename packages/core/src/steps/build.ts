import type { DeployPlan } from '../plan/deploy.js';
import type { BuildCacheOutcome, ImageBuilder, RegistryAuth } from '../ports/ports.js';
import { done, type StepContext, type StepOutcome } from './step.js';

/** What the build step's summary says about the registry cache. */
function cacheNote(cache: BuildCacheOutcome | undefined): string {
  if (!cache) return '';
  if (cache.status !== 'used') return ' (without the registry cache)';
  return ` (registry cache: ${cache.reused} step${cache.reused === 1 ? '' : 's'} reused)`;
}

/**
 * Build the image from the plan's context and Dockerfile, tagged `image`, with the registry layer cache
 * when the plan has one. A cache that cannot be used never fails the build: the builder says why, once.
 */
export async function build(
  input: { build: DeployPlan['build']; image: string; auth: RegistryAuth },
  ports: { builder: ImageBuilder },
  ctx: StepContext,
): Promise<StepOutcome<ImageBuilder>> {
  const { builder } = ports;
  ctx.progress(`building with ${builder.name}`);
  const { build: b, auth } = input;
  const cache = b.cache && { repository: `${auth.registry}/${b.cache.repository}`, auth };
  const built = await builder.build(
    {
      context: b.context,
      dockerfile: b.dockerfile,
      tags: [input.image],
      labels: b.labels,
      buildArgs: b.buildArgs,
      target: b.target,
      platform: b.platform,
      cache,
    },
    ctx.log,
    ctx.signal,
  );
  const warning = built.cache?.warning;
  if (warning)
    ctx.reporter.emit({ type: 'warning', title: 'Build cache', message: warning, at: ctx.clock.now() });
  return done(`built with ${builder.name}${cacheNote(built.cache)}`, builder);
}
