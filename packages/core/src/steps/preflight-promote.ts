import { type Provenance, parseProvenance } from '../domain/provenance.js';
import { PreconditionError } from '../errors/errors.js';
import type { PromotePlan } from '../plan/operations.js';
import type { OperationPorts } from '../ports/bundles.js';
import type { ImageInfo, ParameterValue } from '../ports/ports.js';
import { checkWorkflow, readDeployed } from './read.js';
import { done, type StepContext, type StepOutcome } from './step.js';

export interface PromotePreflight {
  /** The source environment's parameter. */
  source: ParameterValue;
  provenance: Provenance | undefined;
  /** The exact image the source runs. */
  image: ImageInfo;
  /** The tag to deploy in the target. */
  version: string;
  /** Whether the image needs the tag `version` first. */
  retag: boolean;
  /** The target's parameter now. */
  current: ParameterValue | undefined;
  reference: string;
}

/** Find the exact image the source environment runs and check the target can take it. */
export async function promotePreflight(
  plan: PromotePlan,
  ports: OperationPorts,
  ctx: StepContext,
): Promise<StepOutcome<PromotePreflight>> {
  const { target, from } = plan;
  const { registry, parameters } = ports;
  ctx.progress(`ECR repository ${target.repository}`);
  const repository = await registry.describeRepository(target.repository);
  ctx.progress(`SSM parameter ${from.parameter} (${from.environment})`);
  const source = await readDeployed(parameters, from.parameter);
  if (!source) {
    throw new PreconditionError(
      'NOTHING_DEPLOYED',
      `${from.application} has never been deployed to ${from.environment} (${from.parameter} does not exist): there is nothing to promote.`,
      {
        fix: `Deploy to ${from.environment} first, or check ${plan.names.application} and ${plan.names.from}.`,
      },
    );
  }
  const provenance = parseProvenance(source.description);
  ctx.progress(`image ${target.repository}:${source.value}`);
  const image = await sourceImage(ports, plan, ctx, source.value, provenance?.digest);
  const version = plan.version ?? source.value;
  const retag = await needsTag(ports, plan, image, version);
  ctx.progress(`SSM parameter ${target.parameter} (${target.environment})`);
  const current = await readDeployed(parameters, target.parameter);
  if (ports.workflows) await checkWorkflow(ports.workflows, target.workflow, ctx.progress);
  const reference = `${repository.uri}:${version}`;
  return done(
    `${from.environment} runs ${source.value} (${image.digest}); ${retag ? `will tag it ${version}; ` : ''}${target.parameter}: ${current?.value ?? '(not set)'} → ${version}`,
    { source, provenance, image, version, retag, current, reference },
  );
}

/** Tag the image under `version` unless that tag already points at it; refuse a tag on another image. */
async function needsTag(
  ports: OperationPorts,
  plan: PromotePlan,
  image: ImageInfo,
  version: string,
): Promise<boolean> {
  if (image.tag === version) return false;
  const repository = plan.target.repository;
  const existing = await ports.registry.findImage(repository, version);
  if (existing && existing.digest !== image.digest) {
    throw new PreconditionError(
      'TAG_CONFLICT',
      `${repository}:${version} already exists and points at another image (${existing.digest}, not ${image.digest}). Nothing was changed.`,
      {
        fix: `Promote under another ${plan.names.version}, or without ${plan.names.version} to keep the source version.`,
      },
    );
  }
  return existing === undefined;
}

/**
 * The image the source environment runs: the tag its parameter holds, checked against the digest its
 * provenance recorded (the exact image), so that a moved tag is never promoted by mistake.
 */
async function sourceImage(
  ports: OperationPorts,
  plan: PromotePlan,
  ctx: StepContext,
  version: string,
  digest: string | undefined,
): Promise<ImageInfo> {
  const { registry } = ports;
  const repository = plan.target.repository;
  const byTag = await registry.findImage(repository, version);
  if (byTag && (!digest || byTag.digest === digest)) {
    if (!digest) {
      ctx.reporter.emit({
        type: 'warning',
        title: 'No digest recorded',
        message: `${plan.from.parameter} has no provenance digest (it was not set by hosting): promoting the image ${repository}:${version} points at now (${byTag.digest}).`,
        at: ctx.clock.now(),
      });
    }
    return byTag;
  }
  const exact = digest ? await registry.findImageByDigest(repository, digest) : undefined;
  if (!exact) {
    throw new PreconditionError(
      'IMAGE_EXPIRED',
      `Cannot promote ${version} from ${plan.from.environment}: its image ${repository}:${version}${digest ? ` (${digest})` : ''} is no longer in ECR (a lifecycle rule may have expired it). Nothing was changed.`,
      {
        fix: `Deploy a version to ${plan.from.environment} again (it will be rebuilt), then promote it.`,
        details: { repository, version },
      },
    );
  }
  if (byTag && plan.version === undefined) {
    throw new PreconditionError(
      'IMAGE_TAG_MOVED',
      `${repository}:${version} now points at ${byTag.digest}, not at the image ${plan.from.environment} runs (${digest}). Promoting the tag would ship a different image.`,
      { fix: `Pass ${plan.names.version} NEW_TAG to promote the exact image under a new tag.` },
    );
  }
  // The exact image, whose tag is gone or moved: it will be tagged as the target version.
  return { ...exact, tag: '' };
}
