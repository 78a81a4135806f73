import { formatProvenance } from '../domain/provenance.js';
import { InputError } from '../errors/errors.js';
import type { DeployPlan } from '../plan/deploy.js';
import type { DeployPorts } from '../ports/bundles.js';
import type { ImageBuilder } from '../ports/ports.js';
import { build } from '../steps/build.js';
import { type DeployPreflight, preflight } from '../steps/preflight.js';
import { push } from '../steps/push.js';
import { tag } from '../steps/tag.js';
import { runOperation } from './operation.js';
import type { ExecuteOptions } from './ports.js';
import { newReleaseLive, type ReleaseState, releaseSteps } from './release.js';
import { type DeployResult, newResult } from './result.js';
import { StepFailure, type StepRunner, type StepTable } from './runner.js';

interface DeployState extends ReleaseState {
  plan: DeployPlan;
  pre?: DeployPreflight | undefined;
  builder?: ImageBuilder | undefined;
}

/**
 * Execute a deploy plan: its steps, in order (preflight only for a dry run).
 * Never throws: the result says whether it succeeded and carries the error.
 */
export async function execute(
  plan: DeployPlan,
  ports: DeployPorts,
  options: ExecuteOptions = {},
): Promise<DeployResult> {
  const dryRun = options.dryRun ?? false;
  const result = newResult(
    { application: plan.application, environment: plan.environment, parameter: plan.parameter.name },
    plan.version,
    dryRun,
    undefined,
  );
  const live = options.live ?? newReleaseLive();
  const state: DeployState = { plan, ports, options, result, spec: undefined, live };
  const table = { ...releaseSteps(state), ...deploySteps(state, ports) };
  return runOperation(state, plan.steps, table, ports, options);
}

/** Deploy's own steps: preflight, build, tag, push; each skipped when the image is already there. */
function deploySteps(state: DeployState, ports: DeployPorts): StepTable {
  const { plan, result } = state;
  const pre = () => {
    if (!state.pre) throw new StepFailure(new InputError('', 'The deploy ran before its preflight.', ''));
    return state.pre;
  };
  const skipExisting = (steps: StepRunner, step: 'build' | 'tag' | 'push'): boolean => {
    const p = pre();
    if (!p.existing) return false;
    steps.skip(step, `${p.image} is already in the registry: ${step} skipped`);
    return true;
  };
  return {
    preflight: async (steps) => {
      const p = await steps.run('preflight', (ctx) => preflight(plan, ports, ctx));
      state.pre = p;
      result.image = p.image;
      result.imageExisted = p.existing !== undefined;
      result.previousValue = p.current?.value;
      result.digest = p.existing?.digest;
      state.spec = releaseSpec(plan, p, p.existing?.digest ?? '');
    },
    build: async (steps) => {
      if (skipExisting(steps, 'build')) return;
      state.builder = await steps.run('build', async (ctx) => {
        const builder = await ports.builder();
        result.builder = builder.name;
        return build({ build: plan.build, image: pre().image, auth: pre().auth }, { builder }, ctx);
      });
    },
    tag: async (steps) => {
      if (!skipExisting(steps, 'tag')) await steps.run('tag', () => tag({ image: pre().image }));
    },
    push: async (steps) => {
      if (skipExisting(steps, 'push')) return;
      const p = pre();
      const input = { image: p.image, repository: plan.image.repository, tag: plan.image.tag, auth: p.auth };
      const builder = state.builder as ImageBuilder;
      const digest = await steps.run('push', (ctx) =>
        push(input, { builder, registry: ports.registry }, ctx),
      );
      result.digest = digest;
      state.spec = releaseSpec(plan, p, digest);
    },
  };
}

function releaseSpec(plan: DeployPlan, _pre: DeployPreflight, digest: string): ReleaseState['spec'] {
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
