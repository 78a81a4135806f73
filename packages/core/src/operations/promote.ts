import { PreconditionError, RemoteError } from '../errors.js';
import { type DeployResult, done, release } from '../execute.js';
import type { ImageInfo, InfraWorkflows } from '../ports.js';
import { formatProvenance, parseProvenance } from '../source.js';
import {
  checkWorkflow,
  newResult,
  type OperationOptions,
  type OperationPorts,
  readDeployed,
  runSteps,
} from './common.js';
import type { PromotePlan } from './plan.js';

export interface PromoteResult extends DeployResult {
  operation: 'promote';
  /** The environment the image came from, and the version it runs there. */
  sourceEnvironment: string;
  sourceVersion: string | undefined;
  /** Whether the image was given a new tag (only when another tag was asked for, or the tag was gone). */
  retagged: boolean;
}

/**
 * Ship the exact image deployed in the source environment to the target environment: no build, no
 * push; a re-tag (BatchGetImage/PutImage through `registry.tagImage`) only when another tag is asked
 * for. The target's provenance records `source=<from>` and the source's digest. Never throws.
 */
export async function promote(
  plan: PromotePlan,
  ports: OperationPorts,
  options: OperationOptions = {},
): Promise<PromoteResult> {
  const { target, from } = plan;
  const result: PromoteResult = {
    ...newResult(target, plan.version ?? '', options.dryRun ?? false),
    operation: 'promote',
    sourceEnvironment: from.environment,
    sourceVersion: undefined,
    retagged: false,
  };
  return runSteps(result, ports, options, async (steps, workflows) => {
    const { registry, parameters } = ports;
    const pre = await steps.run('preflight', async (progress) => {
      progress(`ECR repository ${target.repository}`);
      const repository = await registry.describeRepository(target.repository);
      progress(`SSM parameter ${from.parameter} (${from.environment})`);
      const source = await readDeployed(parameters, from.parameter);
      if (!source) {
        throw new PreconditionError(
          'NOTHING_DEPLOYED',
          `${from.application} has never been deployed to ${from.environment} (${from.parameter} does not exist): there is nothing to promote.`,
          { fix: `Deploy to ${from.environment} first, or check --app and --from.` },
        );
      }
      const provenance = parseProvenance(source.description);
      progress(`image ${target.repository}:${source.value}`);
      const image = await sourceImage(ports, plan, source.value, provenance?.digest);
      const version = plan.version ?? source.value;
      // Tag the image under `version` unless that tag already points at it.
      let retag = image.tag !== version;
      if (retag) {
        const existing = await registry.findImage(target.repository, version);
        if (existing && existing.digest !== image.digest) {
          throw new PreconditionError(
            'TAG_CONFLICT',
            `${target.repository}:${version} already exists and points at another image (${existing.digest}, not ${image.digest}). Nothing was changed.`,
            { fix: 'Promote under another --version, or without --version to keep the source version.' },
          );
        }
        retag = existing === undefined;
      }
      progress(`SSM parameter ${target.parameter} (${target.environment})`);
      const current = await readDeployed(parameters, target.parameter);
      if (workflows) await checkWorkflow(workflows, target.workflow, progress);
      const reference = `${repository.uri}:${version}`;
      return done(
        `${from.environment} runs ${source.value} (${image.digest}); ${retag ? `will tag it ${version}; ` : ''}${target.parameter}: ${current?.value ?? '(not set)'} → ${version}`,
        { source, provenance, image, version, retag, current, reference },
      );
    });
    result.version = pre.version;
    result.sourceVersion = pre.source.value;
    result.previousValue = pre.current?.value;
    result.image = pre.reference;
    result.digest = pre.image.digest;
    if (options.dryRun) {
      result.status = 'succeeded';
      return;
    }

    const why = `promote ships the image running in ${from.environment} (${pre.image.digest})`;
    steps.skip('build', `${why}: nothing to build`);
    if (pre.retag) {
      await steps.run('tag', async (progress) => {
        progress(`tagging ${pre.image.digest} as ${pre.version}`);
        const tagged = await registry.tagImage(target.repository, pre.image.digest, pre.version);
        // Confirm in the registry before the parameter may point at it.
        const confirmed = await registry.findImage(target.repository, pre.version);
        if (!confirmed || confirmed.digest !== pre.image.digest) {
          throw new RemoteError(
            'ecr',
            'TAG_NOT_CONFIRMED',
            `Tagging ${pre.image.digest} as ${target.repository}:${pre.version} reported success, but the registry does not list that tag on that image.`,
            { fix: 'Check the ECR repository, then run again; the parameter was not changed.' },
          );
        }
        result.retagged = true;
        return done(`${pre.reference}@${tagged.digest}`, undefined);
      });
    } else {
      steps.skip('tag', `${pre.reference} already points at ${pre.image.digest}`);
    }
    steps.skip('push', `${why}: nothing to push`);

    await release(
      {
        steps,
        ports,
        infra: workflows as InfraWorkflows,
        result,
        options: { ...plan.release, signal: options.signal },
      },
      {
        success: `${target.application} ${pre.version} promoted from ${from.environment} to ${target.environment}`,
        repository: target.repository,
        parameter: target.parameter,
        version: pre.version,
        current: pre.current,
        description: formatProvenance({
          action: 'promote',
          version: pre.version,
          commit: pre.provenance?.commit,
          digest: pre.image.digest,
          source: from.environment,
          actor: plan.source.actor,
          run: plan.source.runUrl,
        }),
        workflow: target.workflow,
        wait: plan.wait,
        actor: plan.source.actor,
        runUrl: plan.source.runUrl,
      },
    );
  });
}

/**
 * The image the source environment runs: the tag its parameter holds, checked against the digest its
 * provenance recorded (the exact image), so that a moved tag is never promoted by mistake.
 */
async function sourceImage(
  ports: OperationPorts,
  plan: PromotePlan,
  version: string,
  digest: string | undefined,
): Promise<ImageInfo> {
  const { registry } = ports;
  const repository = plan.target.repository;
  const byTag = await registry.findImage(repository, version);
  if (byTag && (!digest || byTag.digest === digest)) {
    if (!digest) {
      ports.reporter.emit({
        type: 'warning',
        title: 'No digest recorded',
        message: `${plan.from.parameter} has no provenance digest (it was not set by hosting): promoting the image ${repository}:${version} points at now (${byTag.digest}).`,
        at: ports.clock.now(),
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
      { fix: 'Pass --version NEW_TAG to promote the exact image under a new tag.' },
    );
  }
  // The exact image, whose tag is gone or moved: it will be tagged as the target version.
  return { ...exact, tag: '' };
}
