import { formatProvenance } from '../domain/provenance.js';
import type { DeployPlan } from '../plan/deploy.js';
import type { Ports } from '../ports/bundles.js';
import { build } from '../steps/build.js';
import { type DeployPreflight, preflight } from '../steps/preflight.js';
import { push } from '../steps/push.js';
import { tag } from '../steps/tag.js';
import { runOperation } from './operation.js';
import type { ExecuteOptions } from './ports.js';
import { newReleaseLive } from './quit.js';
import { release } from './release.js';
import type { ReleaseSpec } from './release-spec.js';
import { newResult, type ReleaseResult } from './result.js';
import type { StepRunner } from './runner.js';

/**
 * Execute a deploy plan, in the order of its steps (DEPLOY_STEPS): preflight; build, tag and push
 * (each skipped when the image is already in the registry); then the release tail. A dry run stops after
 * the preflight. Never throws: the result says whether it succeeded and carries the error.
 */
export async function execute(
  plan: DeployPlan,
  ports: Ports,
  options: ExecuteOptions = {},
): Promise<ReleaseResult> {
  const target = {
    application: plan.application,
    environment: plan.environment,
    parameter: plan.parameter.name,
  };
  const result = newResult(target, plan.version, options.dryRun ?? false, undefined);
  return runOperation(result, ports, options, async (steps) => {
    const pre = await steps.run('preflight', (ctx) => preflight(plan, ports, ctx));
    result.image = pre.image;
    result.imageExisted = pre.existing !== undefined;
    result.previousValue = pre.current?.value;
    result.digest = pre.existing?.digest;
    if (options.dryRun) return;
    const digest = pre.existing
      ? skipExisting(steps, pre)
      : await buildAndPush(steps, plan, pre, ports, result);
    const live = options.live ?? newReleaseLive();
    await release({ steps, ports, options, result, live }, deploySpec(plan, digest));
  });
}

/** build, tag, push: skipped, the image being in the registry already. Returns its digest. */
function skipExisting(steps: StepRunner, pre: DeployPreflight): string {
  for (const step of ['build', 'tag', 'push'] as const) {
    steps.skip(step, `${pre.image} is already in the registry: ${step} skipped`);
  }
  return pre.existing?.digest ?? '';
}

/** build, tag, push. Returns the digest the registry stored. */
async function buildAndPush(
  steps: StepRunner,
  plan: DeployPlan,
  pre: DeployPreflight,
  ports: Ports,
  result: ReleaseResult,
): Promise<string> {
  const builder = await steps.run('build', async (ctx) => {
    const chosen = await ports.builder();
    result.builder = chosen.name;
    return build({ build: plan.build, image: pre.image, auth: pre.auth }, { builder: chosen }, ctx);
  });
  await steps.run('tag', () => tag({ image: pre.image }));
  const input = { image: pre.image, repository: plan.image.repository, tag: plan.image.tag, auth: pre.auth };
  const digest = await steps.run('push', (ctx) => push(input, { builder, registry: ports.registry }, ctx));
  result.digest = digest;
  return digest;
}

function deploySpec(plan: DeployPlan, digest: string): ReleaseSpec {
  return {
    operation: 'deploy',
    application: plan.application,
    environment: plan.environment,
    success: () => `${plan.application} ${plan.version} deployed to ${plan.environment}`,
    repository: plan.image.repository,
    parameter: plan.parameter.name,
    version: plan.parameter.value,
    description: () =>
      formatProvenance({
        action: 'deploy',
        version: plan.version,
        commit: plan.source.commit,
        digest,
        actor: plan.source.actor,
        run: plan.source.runUrl,
      }),
    workflow: plan.workflow,
    wait: plan.wait,
    actor: plan.source.actor,
    runUrl: plan.source.runUrl,
  };
}
