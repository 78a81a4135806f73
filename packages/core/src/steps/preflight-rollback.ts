import { HISTORY_MAX } from '../domain/names.js';
import { parseProvenance } from '../domain/provenance.js';
import { PreconditionError } from '../errors/errors.js';
import type { RollbackPlan } from '../plan/operations.js';
import type { OperationPorts } from '../ports/bundles.js';
import type { ImageInfo, ParameterValue } from '../ports/ports.js';
import { checkWorkflow } from './read.js';
import { done, type StepContext, type StepOutcome } from './step.js';

export interface RollbackPreflight {
  /** The parameter now, with its provenance. */
  current: ParameterValue;
  /** The version to go back to. */
  version: string;
  image: ImageInfo;
  /** The commit the version was built from, when its provenance says. */
  commit: string | undefined;
  /** `<registry>/<repository>:<version>`. */
  reference: string;
}

/**
 * Resolve the version to go back to (`previous` = the latest history entry whose value differs from
 * the current one) and confirm its image is still in ECR (IMAGE_EXPIRED otherwise; VERSION_NEVER_DEPLOYED
 * for a `--to` version that is in neither the history nor ECR).
 */
export async function rollbackPreflight(
  plan: RollbackPlan,
  ports: OperationPorts,
  ctx: StepContext,
): Promise<StepOutcome<RollbackPreflight>> {
  const { target } = plan;
  ctx.progress(`ECR repository ${target.repository}`);
  const repository = await ports.registry.describeRepository(target.repository);
  ctx.progress(`SSM parameter ${target.parameter}`);
  // Newest first; the first entry is the current value, with its provenance.
  const history = await ports.parameters.history(target.parameter, HISTORY_MAX);
  const current = history[0];
  if (!current) {
    throw new PreconditionError(
      'NOTHING_DEPLOYED',
      `${target.application} has never been deployed to ${target.environment} (${target.parameter} does not exist): there is nothing to roll back.`,
      {
        fix: `Check ${plan.names.application}, ${plan.names.environment} and ${plan.names.parameter}; deploy a version first.`,
      },
    );
  }
  const entry = resolveTarget(plan, current, history);
  const version = entry?.value ?? plan.to;
  ctx.progress(`image ${target.repository}:${version}`);
  const image = await ports.registry.findImage(target.repository, version);
  if (!image && !entry) throw neverDeployed(plan, version, history.length);
  if (!image) {
    throw new PreconditionError(
      'IMAGE_EXPIRED',
      `Cannot roll back ${target.application} in ${target.environment} to ${version}: its image ${target.repository}:${version} is no longer in ECR (a lifecycle rule may have expired it). Nothing was changed.`,
      {
        fix: 'Roll back to a more recent version (hosting history lists them), or deploy that version again from its commit: it will be rebuilt.',
        details: { repository: target.repository, version },
      },
    );
  }
  const recorded = parseProvenance(entry?.description);
  if (recorded?.digest && recorded.digest !== image.digest) {
    ctx.reporter.emit({
      type: 'warning',
      title: 'Tag moved',
      message: `${target.repository}:${version} now points at ${image.digest}, not at ${recorded.digest} as when it was deployed; rolling back to the image the tag points at now.`,
      at: ctx.clock.now(),
    });
  }
  if (ports.workflows) await checkWorkflow(ports.workflows, target.workflow, ctx.progress);
  const reference = `${repository.uri}:${version}`;
  return done(
    `${reference}@${image.digest} is in the registry; ${target.parameter}: ${current.value} → ${version}`,
    { current, version, image, commit: recorded?.commit, reference },
  );
}

/** The history entry to roll back to; undefined for an explicit version that is not in the history. */
function resolveTarget(
  plan: RollbackPlan,
  current: ParameterValue,
  history: readonly ParameterValue[],
): ParameterValue | undefined {
  if (plan.to !== 'previous') return history.find((h) => h.value === plan.to);
  const previous = history.find((h) => h.value !== current.value);
  if (!previous) {
    throw new PreconditionError(
      'NO_PREVIOUS_VERSION',
      `${plan.target.parameter} has only ever held ${current.value}: there is no previous version to roll back to.`,
      { fix: `Give the version to roll back to with ${plan.names.to} VERSION, or deploy one.` },
    );
  }
  return previous;
}

/** `--to` a version that is neither in the parameter's history nor in ECR: most likely a typo. */
function neverDeployed(plan: RollbackPlan, version: string, entries: number): PreconditionError {
  const { target } = plan;
  const where =
    entries >= HISTORY_MAX
      ? `not among the last ${HISTORY_MAX} versions of ${target.parameter}`
      : `not in the history of ${target.parameter}`;
  return new PreconditionError(
    'VERSION_NEVER_DEPLOYED',
    `Cannot roll back ${target.application} in ${target.environment} to ${version}: ${version} was never deployed to ${target.environment} (${where}) and there is no image ${target.repository}:${version} in ECR. Nothing was changed.`,
    {
      fix: `See the versions deployed there with: hosting history --app ${target.application} --env ${target.environment}; then pass one of them to ${plan.names.to} (or leave ${plan.names.to} out to go back to the previous one).`,
      details: { repository: target.repository, version, parameter: target.parameter },
    },
  );
}
